using System.Text.Json;
using Domain.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>What PostgreSQL sees of a context's caller: the role it runs as and the claims it was sent.</summary>
public static class SeenClaims
{
    /// <summary>Asserts that <paramref name="db"/>'s commands run as <paramref name="role"/> with that role and <paramref name="sub"/> in the claims.</summary>
    public static void AssertSeen(DomainDbContext db, string role, string? sub)
    {
        var seen = db.Database
            .SqlQueryRaw<Seen>("SELECT current_setting('request.jwt.claims', true) AS claims, current_user::text AS \"current_user\"")
            .AsEnumerable()
            .Single();
        Assert.Equal(role, seen.CurrentUser);
        Assert.NotNull(seen.Claims);
        using var claims = JsonDocument.Parse(seen.Claims);
        Assert.Equal(role, claims.RootElement.GetProperty("role").GetString());
        Assert.Equal(sub, claims.RootElement.TryGetProperty("sub", out var value) ? value.GetString() : null);
    }

    private sealed record Seen(string? Claims, string CurrentUser);
}
