using Domain.Application.Common;
using Domain.Identity;
using Domain.Persistence;
using Domain.Persistence.Errors;
using Domain.Persistence.Identity;
using FluentValidation;
using Mapster;
using Microsoft.EntityFrameworkCore;

namespace Domain.Application.Identity;

/// <summary>
/// Use cases of user profiles, each acting for one caller under row-level security. A user reads and edits their own
/// profile (display name, avatar, preferences); admins read every profile; the role and the monthly limits are the
/// backend's (<see cref="Caller.Service"/>) to set: the database grants nobody else those columns, so a user or an
/// admin who tries gets <see cref="RlsViolationException"/> and nothing changes.
/// </summary>
public sealed class ProfileStore(RequestPipeline pipeline, TypeAdapterConfig mapping)
{
    /// <summary>The caller's own profile.</summary>
    /// <exception cref="NotFoundException">The caller has no profile (anon and the service role have none).</exception>
    public Task<ProfileDto> GetOwnAsync(Caller caller, CancellationToken cancellationToken = default)
        => GetAsync(caller, caller.UserId ?? throw new NotFoundException($"The caller ({caller}) is not a signed-in user and has no profile."), cancellationToken);

    /// <summary>The profile of <paramref name="userId"/>: the caller's own, or anyone's for admins and the backend.</summary>
    /// <exception cref="NotFoundException">There is no such profile, or the caller may not see it.</exception>
    public Task<ProfileDto> GetAsync(Caller caller, Guid userId, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, async (context, ct) =>
            (await FindAsync(context.UserProfiles.AsNoTracking(), userId, ct)).Adapt<ProfileDto>(mapping), cancellationToken);

    /// <summary>
    /// A page of profiles, newest first: every profile for admins and the backend, the caller's own for a user. Pass the
    /// last item as <see cref="ListProfilesRequest.After"/> for the next page.
    /// </summary>
    public Task<IReadOnlyList<ProfileDto>> ListAsync(Caller caller, ListProfilesRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var page = await context.ProfilePageAsync(r.PageSize, r.After is { } after ? (after.CreatedAt, after.UserId) : null, ct);
            return (IReadOnlyList<ProfileDto>)page.Adapt<List<ProfileDto>>(mapping);
        }, cancellationToken);

    /// <summary>Replaces the caller's display name, avatar and preferences.</summary>
    /// <exception cref="ValidationException">A value is invalid; nothing was sent.</exception>
    /// <exception cref="NotFoundException">The caller has no profile.</exception>
    public Task<ProfileDto> UpdateOwnAsync(Caller caller, UpdateProfileRequest request, CancellationToken cancellationToken = default)
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var userId = caller.UserId ?? throw new NotFoundException($"The caller ({caller}) is not a signed-in user and has no profile.");
            var profile = await FindAsync(context.UserProfiles, userId, ct);
            profile.UpdateDetails(r.DisplayName, r.AvatarUrl, r.Preferences);
            await context.SaveChangesAsync(ct);
            return profile.Adapt<ProfileDto>(mapping);
        }, cancellationToken);

    /// <summary>Makes <paramref name="userId"/> an admin or an ordinary user. Only the backend may.</summary>
    /// <exception cref="RlsViolationException">The caller is not the backend; nothing changed.</exception>
    /// <exception cref="NotFoundException">There is no such profile.</exception>
    public Task<ProfileDto> SetRoleAsync(Caller caller, Guid userId, SetRoleRequest request, CancellationToken cancellationToken = default)
        => ChangeAsync(caller, userId, request, (profile, r) => profile.ChangeRole(r.Role), cancellationToken);

    /// <summary>Sets <paramref name="userId"/>'s monthly token and cost limits (null: none). Only the backend may.</summary>
    /// <exception cref="RlsViolationException">The caller is not the backend; nothing changed.</exception>
    /// <exception cref="NotFoundException">There is no such profile.</exception>
    public Task<ProfileDto> SetMonthlyLimitsAsync(Caller caller, Guid userId, SetMonthlyLimitsRequest request, CancellationToken cancellationToken = default)
        => ChangeAsync(caller, userId, request, (profile, r) => profile.SetMonthlyLimits(MonthlyUsageLimits.Of(r.Tokens, r.CostUsd)), cancellationToken);

    private Task<ProfileDto> ChangeAsync<TRequest>(
        Caller caller, Guid userId, TRequest request, Action<UserProfile, TRequest> change, CancellationToken cancellationToken)
        where TRequest : class
        => pipeline.RunAsync(caller, request, async (context, r, ct) =>
        {
            var profile = await FindAsync(context.UserProfiles, userId, ct);
            change(profile, r);

            // The database decides: only the service role holds UPDATE on these columns; anyone else is refused (42501).
            await context.SaveChangesAsync(ct);
            return profile.Adapt<ProfileDto>(mapping);
        }, cancellationToken);

    private static async Task<UserProfile> FindAsync(IQueryable<UserProfile> profiles, Guid userId, CancellationToken cancellationToken)
        => await profiles.SingleOrDefaultAsync(p => p.UserId == userId, cancellationToken)
            ?? throw new NotFoundException("Profile", userId);
}
