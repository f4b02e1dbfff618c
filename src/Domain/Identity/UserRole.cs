namespace Domain.Identity;

/// <summary>
/// What a user is to the application, kept on their profile: the one source of who is an admin. The database's
/// claims follow it (an admin acts as the database role <c>domain_admin</c>), through Supabase's access token hook and
/// through the application's caller resolution.
/// </summary>
public enum UserRole
{
    /// <summary>An ordinary user: reads and writes their own rows.</summary>
    User,

    /// <summary>An administrator: reads every user's rows, writes only their own.</summary>
    Admin,
}
