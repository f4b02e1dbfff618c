namespace Domain.Api;

/// <summary>
/// The scopes the API's routes require of an API key (<c>RequireApiKeyScope</c>): reads need <c>…:read</c>, writes
/// <c>…:write</c>. Callers with a bearer token are not limited by scopes.
/// </summary>
public static class ApiScopes
{
    /// <summary>List and read sessions.</summary>
    public const string SessionsRead = "sessions:read";

    /// <summary>Start sessions and add revisions.</summary>
    public const string SessionsWrite = "sessions:write";

    /// <summary>Read conversations and their messages.</summary>
    public const string ConversationsRead = "conversations:read";

    /// <summary>Start conversations and append messages.</summary>
    public const string ConversationsWrite = "conversations:write";
}
