using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Domain.Sessions;

namespace Domain.Persistence.Sessions;

/// <summary>
/// A read-only picture of the Session aggregate, root and children, read in one statement and one round trip by
/// <see cref="SessionQueries.LoadSessionSnapshotAsync"/>. For showing a session; to change one, load the aggregate.
/// JSON columns (<c>current_ir</c>, <c>metadata</c>, <c>ir</c>, ...) hold their text as PostgreSQL returns it, as
/// they do on the entities.
/// </summary>
public sealed record SessionSnapshot(
    Guid Id,
    Guid UserId,
    string Title,
    string? Description,
    SessionStatus Status,
    string? CurrentIr,
    string Metadata,
    int LastRevisionNumber,
    int RevisionCount,
    int DraftCount,
    int HoleCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinalizedAt,
    DateTimeOffset? ArchivedAt,
    IReadOnlyList<SessionRevisionSnapshot> Revisions,
    IReadOnlyList<SessionDraftSnapshot> Drafts,
    IReadOnlyList<HoleResolutionSnapshot> HoleResolutions);

/// <summary>A revision in a <see cref="SessionSnapshot"/>, which lists them by number.</summary>
public sealed record SessionRevisionSnapshot(Guid Id, int RevisionNumber, string Ir, string? ChangeSummary, DateTimeOffset CreatedAt);

/// <summary>A draft in a <see cref="SessionSnapshot"/>, which lists them oldest first.</summary>
public sealed record SessionDraftSnapshot(
    Guid Id, int RevisionNumber, string Code, string Language, bool IsValid, string? ValidationDetails, DateTimeOffset CreatedAt);

/// <summary>A hole resolution in a <see cref="SessionSnapshot"/>, which lists them by hole id.</summary>
public sealed record HoleResolutionSnapshot(
    Guid Id, string HoleId, string ResolutionValue, double Confidence, DateTimeOffset CreatedAt, DateTimeOffset ResolvedAt);

/// <summary>The JSON the snapshot statement builds: snake_case keys, the column names of the tables.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(SessionStatusJsonConverter), typeof(UtcInstantJsonConverter)])]
[JsonSerializable(typeof(SessionSnapshot))]
internal sealed partial class SessionSnapshotJson : JsonSerializerContext;

/// <summary>Session statuses as PostgreSQL spells the enum's labels (<c>active</c>, <c>finalized</c>, <c>archived</c>).</summary>
internal sealed class SessionStatusJsonConverter() : JsonStringEnumConverter<SessionStatus>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false);

/// <summary>
/// <c>timestamptz</c> arrives in the session's time zone; the entities hold UTC instants, and so does the snapshot.
/// </summary>
internal sealed class UtcInstantJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).ToUniversalTime();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        => writer.WriteStringValue(value.ToUniversalTime());
}
