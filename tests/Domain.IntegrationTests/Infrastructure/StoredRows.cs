using System.Text.Json.Nodes;
using Npgsql;

namespace Domain.IntegrationTests.Infrastructure;

/// <summary>A revision as PostgreSQL stores it, read as the superuser.</summary>
public sealed record StoredRevision(Guid Id, Guid UserId, int RevisionNumber, string Ir, string? ChangeSummary, DateTimeOffset CreatedAt);

/// <summary>Reads what is really stored, as the superuser, bypassing RLS and the model.</summary>
public static class StoredRows
{
    /// <summary>
    /// The session row (its <c>xmin</c> included) and every revision row of the database, as JSON text: two equal
    /// snapshots mean nothing was written in between, not even an update that changed no value.
    /// </summary>
    public static async Task<string> SnapshotAsync(this MigratedDatabase database, Guid sessionId)
    {
        return await database.ScalarAsync<string>(
            """
            SELECT jsonb_build_object(
                'session', (SELECT to_jsonb(s) || jsonb_build_object('xmin', s.xmin::text) FROM public.sessions s WHERE s.id = @id),
                'revisions', (SELECT coalesce(jsonb_agg(to_jsonb(r) ORDER BY r.id), '[]'::jsonb) FROM public.session_revisions r))::text
            """,
            ("id", sessionId)) ?? throw new InvalidOperationException("The snapshot query returned nothing.");
    }

    public static async Task<List<StoredRevision>> RevisionsAsync(this MigratedDatabase database, Guid sessionId)
    {
        await using var connection = new NpgsqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT id, user_id, revision_number, ir::text, change_summary, created_at
              FROM public.session_revisions WHERE session_id = @id ORDER BY revision_number
            """,
            connection);
        command.Parameters.AddWithValue("id", sessionId);
        await using var reader = await command.ExecuteReaderAsync();
        var revisions = new List<StoredRevision>();
        while (await reader.ReadAsync())
        {
            revisions.Add(new StoredRevision(
                reader.GetGuid(0),
                reader.GetGuid(1),
                reader.GetInt32(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return revisions;
    }

    /// <summary>The session's <c>revision_count</c>, <c>last_revision_number</c> and <c>current_ir</c> as stored.</summary>
    public static async Task<(int RevisionCount, int LastRevisionNumber, string? CurrentIr)> RevisionStateAsync(
        this MigratedDatabase database, Guid sessionId)
    {
        var state = await database.ScalarAsync<string>(
            "SELECT jsonb_build_object('count', revision_count, 'last', last_revision_number, 'ir', current_ir)::text FROM public.sessions WHERE id = @id",
            ("id", sessionId)) ?? throw new InvalidOperationException($"Session {sessionId} is not stored.");
        var json = JsonNode.Parse(state)!;
        return ((int)json["count"]!, (int)json["last"]!, json["ir"]?.ToJsonString());
    }

    /// <summary>True when the two texts hold the same JSON value (jsonb normalises whitespace and key order).</summary>
    public static bool SameJson(string? expected, string? actual)
        => expected is null || actual is null ? expected == actual : JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual));
}
