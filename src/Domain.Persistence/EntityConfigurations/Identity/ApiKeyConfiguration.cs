using Domain.Identity;
using Domain.Persistence.Auditing;
using Domain.Persistence.RowLevelSecurity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Domain.Persistence.EntityConfigurations.Identity;

/// <summary>
/// <c>api_keys</c>: a user's keys, each with only the hash of its secret (unique: the one index a presented key is found
/// by) and a display prefix. Owners create, read, rename and revoke their keys; nobody but the backend writes
/// <c>last_used_at</c>, and a revoked key stays revoked (a trigger the migration writes refuses to clear
/// <c>revoked_at</c>). Keys go with their user (a key to <c>auth.users</c>, written by the migration).
/// </summary>
internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    /// <summary>One scope, as <see cref="IdentityLimits.ScopePattern"/> says, without its anchors.</summary>
    private const string Scope = "[a-z][a-z0-9_]*([:.][a-z][a-z0-9_]*)*";

    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys", t =>
        {
            t.HasCheckConstraint("ck_api_keys_name_length", $"char_length(name) between 1 and {IdentityLimits.ApiKeyNameMaxLength}");
            t.HasCheckConstraint("ck_api_keys_key_hash_length", $"octet_length(key_hash) = {ApiKeySecret.HashLength}");
            t.HasCheckConstraint(
                "ck_api_keys_prefix",
                $"prefix ~ '^{ApiKeySecret.Marker}[A-Za-z0-9_-]{{{ApiKeySecret.DisplayPrefixLength - ApiKeySecret.Marker.Length}}}$'");
            t.HasCheckConstraint(
                "ck_api_keys_scopes",
                $"cardinality(scopes) between 1 and {IdentityLimits.MaxScopesPerKey} and array_position(scopes, null) is null"
                + $" and array_to_string(scopes, ',') ~ '^{Scope}(,{Scope})*$'"
                + $" and array_to_string(scopes, ',') !~ '[^,]{{{IdentityLimits.ScopeMaxLength + 1}}}'");
            t.HasCheckConstraint("ck_api_keys_expires_after_creation", "expires_at is null or expires_at > created_at");
        });

        builder.HasRowLevelSecurity(rls => rls
            .OwnedBy(k => k.UserId)
            .Commands(RowCommands.Select | RowCommands.Insert | RowCommands.Update)
            .InsertColumns(k => new { k.Id, k.UserId, k.Name, k.Prefix, k.KeyHash, k.Scopes, k.CreatedAt, k.ExpiresAt })
            .UpdateColumns(k => new { k.Name, k.RevokedAt }));

        // The hash is not copied into the trail, and a key's last use (written at most once a minute) is not an edit.
        builder.IsAudited(audit => audit.Excluding(k => new { k.KeyHash, k.LastUsedAt }));

        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasDefaultValueSql("gen_random_uuid()").ValueGeneratedNever();
        builder.Property(k => k.Name).HasMaxLength(IdentityLimits.ApiKeyNameMaxLength);
        builder.Property(k => k.Prefix).HasMaxLength(ApiKeySecret.DisplayPrefixLength);
        builder.Property(k => k.Scopes).HasField("_scopes");
        builder.Property(k => k.CreatedAt).HasDefaultValueSql("now()");

        // A key is issued neither revoked nor used, so EF leaves both out of the INSERT (owners hold no grant on them);
        // revoking updates revoked_at, and only verification (as the service role) writes last_used_at.
        builder.Property(k => k.RevokedAt).Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        builder.Property(k => k.LastUsedAt).Metadata.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        builder.Property(k => k.LastUsedAt).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);

        builder.Property<uint>(EntityConfigurationExtensions.RowVersion).IsRowVersion();

        builder.HasIndex(k => k.KeyHash).IsUnique().HasDatabaseName("ix_api_keys_key_hash");
        builder.HasIndex(k => new { k.UserId, k.CreatedAt, k.Id })
            .IsDescending(false, true, true)
            .HasDatabaseName("ix_api_keys_user_id_created_at");
    }
}
