using System.Security.Cryptography;
using System.Text;
using Domain.Conversations;
using Domain.Identity;
using Domain.Files;
using Domain.Persistence;
using Domain.Persistence.Rls;
using Domain.Prompts;
using Domain.Sessions;
using Domain.Usage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Domain.DevDatabase;

/// <summary>
/// A demo user the seeder created (or found) in <c>auth.users</c>, how many sessions it was given, and what its profile
/// says: whether it is an admin and its monthly limits (null: none).
/// </summary>
public sealed record SeededUser(Guid Id, string Email, int Sessions, bool IsAdmin = false, MonthlyUsageLimits? Limits = null);

/// <summary>What <see cref="DemoDataSeeder.SeedAsync"/> did.</summary>
/// <param name="Seeded">False when the database already held sessions and nothing was written.</param>
/// <param name="ExistingSessions">Rows <c>public.sessions</c> held before seeding.</param>
/// <param name="Users">The demo users, empty when nothing was seeded.</param>
/// <param name="Sessions">Sessions created.</param>
/// <param name="Revisions">Revisions created.</param>
/// <param name="Drafts">Drafts created.</param>
/// <param name="HoleResolutions">Hole resolutions created.</param>
/// <param name="Conversations">Conversations created.</param>
/// <param name="Messages">Messages created.</param>
/// <param name="UsageRecords">Usage records created.</param>
/// <param name="Prompts">System prompts created (each with one active version); prompts are seeded whenever
/// <c>public.system_prompts</c> is empty, even when the sessions were not.</param>
/// <param name="PromptVersions">Prompt versions created.</param>
/// <param name="PerformanceRecords">Prompt performance records created.</param>
/// <param name="Files">Files registered.</param>
/// <param name="ProviderUploads">Copies of files at providers recorded.</param>
/// <param name="Attachments">Files attached to conversations.</param>
public sealed record SeedResult(
    bool Seeded, long ExistingSessions, IReadOnlyList<SeededUser> Users, int Sessions, int Revisions, int Drafts, int HoleResolutions,
    int Conversations = 0, int Messages = 0, int UsageRecords = 0, int Prompts = 0, int PromptVersions = 0, int PerformanceRecords = 0,
    int Files = 0, int ProviderUploads = 0, int Attachments = 0)
{
    /// <summary>One line saying what happened.</summary>
    public string Summary => (Seeded
        ? $"seeded {Users.Count} demo users (their profiles made by the database; {Users.Count(u => u.IsAdmin)} admin) with "
            + $"{Sessions} sessions, {Revisions} revisions, {Drafts} drafts, {HoleResolutions} hole resolutions, {Conversations} conversations, "
            + $"{Messages} messages, {UsageRecords} usage records, "
            + $"{Files} files ({ProviderUploads} provider copies, {Attachments} attachments; one file a user deleting, its jobs queued)"
        : $"not seeded: public.sessions already holds {ExistingSessions} rows")
        + (Prompts > 0 ? $"; {Prompts} prompts with {PromptVersions} versions (one active each), {PerformanceRecords} performance records" : string.Empty);
}

/// <summary>
/// Fills an empty database with a few demo users and their sessions, and an empty prompt catalog with seed 004's
/// prompts. Users are inserted into <c>auth.users</c> as the owner (on Supabase, Auth owns that table), and the database
/// gives each a profile (its display name from the sign-up metadata); every session is written through a context acting
/// as its user, the prompts by the demo user whose profile makes them an admin (the backend when there is none), so the
/// inserts pass the same row-level security as the application's, and the audit trail records each write with its
/// actor. One user edits their preferences; the backend makes one an admin and gives one monthly limits. The content is
/// fixed; only the timestamps follow the clock.
/// </summary>
public sealed class DemoDataSeeder(TimeProvider clock)
{
    /// <summary>The demo users' e-mail addresses, in the order they are seeded.</summary>
    public static IReadOnlyList<string> DemoEmails { get; } = [.. DemoPlans.Users.Select(u => u.Email)];

    /// <summary>
    /// Seeds unless <c>public.sessions</c> already has rows. <paramref name="ownerConnectionString"/> connects as the
    /// schema owner (to check and to create users); <paramref name="contexts"/> writes the sessions as each user.
    /// </summary>
    /// <exception cref="DemoDataException">The migrations are not applied, or the owner may not write <c>auth.users</c>.</exception>
    public async Task<SeedResult> SeedAsync(string ownerConnectionString, DomainDbContextFactory contexts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(contexts);
        ConnectionStrings.EnsureUsable(ownerConnectionString);

        var existing = await CountSessionsAsync(ownerConnectionString, ct);
        if (existing > 0)
        {
            var demoUsers = await FindDemoUsersAsync(ownerConnectionString, ct);
            var (prompts, versions, runs) = await SeedPromptsAsync(ownerConnectionString, contexts, demoUsers, clock.GetUtcNow().AddDays(-14), ct);
            return new SeedResult(false, existing, [], 0, 0, 0, 0, Prompts: prompts, PromptVersions: versions, PerformanceRecords: runs);
        }

        var start = clock.GetUtcNow().AddDays(-14);
        var userIds = await EnsureUsersAsync(ownerConnectionString, start, ct);

        var users = new List<SeededUser>();
        var usage = new List<UsageRecord>();
        int sessions = 0, revisions = 0, drafts = 0, holes = 0, conversations = 0, messages = 0, files = 0, uploads = 0, attachments = 0;
        for (var u = 0; u < DemoPlans.Users.Count; u++)
        {
            var plan = DemoPlans.Users[u];
            var userId = userIds[u];
            await using var context = contexts.ForUser(userId, plan.Email);

            var at = start.AddHours(u);
            foreach (var sessionPlan in plan.Sessions)
            {
                var session = Build(userId, sessionPlan, ref at);
                context.Sessions.Add(session);
                revisions += session.Revisions.Count;
                drafts += session.Drafts.Count;
                holes += session.HoleResolutions.Count;
                at = at.AddDays(1);
            }

            var firstSession = context.Sessions.Local.OrderBy(x => x.CreatedAt).First();
            var chats = Chats(userId, u, firstSession.Id, start.AddHours(u).AddDays(2), usage).ToList();
            foreach (var conversation in chats)
            {
                context.Conversations.Add(conversation);
                conversations++;
                messages += conversation.Messages.Count;
            }

            if (plan.Preferences is { } preferences)
            {
                // What a user edits on their own profile, as themselves: the column grants a user has.
                var profile = await context.UserProfiles.SingleAsync(p => p.UserId == userId, ct);
                profile.UpdateDetails(profile.DisplayName, profile.AvatarUrl, preferences);
            }

            var userFiles = DemoFiles(userId, u, chats, start.AddHours(u).AddDays(1));
            context.Files.AddRange(userFiles);
            files += userFiles.Count;
            uploads += userFiles.Sum(f => f.ProviderUploads.Count);
            attachments += chats.Sum(c => c.Files.Count);

            await context.SaveChangesAsync(ct);

            // One file a user whose deletion was requested: the database queues its jobs, which wait for a deletion worker.
            userFiles[^1].RequestDeletion();
            await context.SaveChangesAsync(ct);
            sessions += plan.Sessions.Count;
            users.Add(new SeededUser(userId, plan.Email, plan.Sessions.Count, plan.IsAdmin, plan.Limits));
        }

        // Usage is metered by the backend: only the service role may write the ledger. Roles and limits are the
        // backend's to set, too.
        await using (var backend = contexts.AsServiceRole())
        {
            backend.UsageLogs.AddRange(usage);
            foreach (var user in users.Where(u => u.IsAdmin || u.Limits is not null))
            {
                var profile = await backend.UserProfiles.SingleAsync(p => p.UserId == user.Id, ct);
                if (user.IsAdmin)
                {
                    profile.ChangeRole(UserRole.Admin);
                }

                if (user.Limits is { } limits)
                {
                    profile.SetMonthlyLimits(limits);
                }
            }

            await backend.SaveChangesAsync(ct);
        }

        var (promptCount, versionCount, runCount) = await SeedPromptsAsync(
            ownerConnectionString, contexts, [.. users.Select(u => (u.Id, u.Email))], start, ct);
        return new SeedResult(
            true, 0, users, sessions, revisions, drafts, holes, conversations, messages, usage.Count, promptCount, versionCount, runCount,
            Files: files, ProviderUploads: uploads, Attachments: attachments);
    }

    private static async Task<HashSet<Guid>> AdminsAsync(string ownerConnectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT user_id FROM public.user_profiles WHERE role = 'admin'", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var admins = new HashSet<Guid>();
        while (await reader.ReadAsync(ct))
        {
            admins.Add(reader.GetGuid(0));
        }

        return admins;
    }

    /// <summary>
    /// Seed 004's prompts, unless <c>public.system_prompts</c> holds any: each tool and provider with its versions, one of
    /// them active (one prompt rolled back from its newest), published by a demo user whose profile makes them an admin
    /// (the backend when there is none), and how the demo users' calls with them went, metered by the backend.
    /// </summary>
    private static async Task<(int Prompts, int Versions, int Runs)> SeedPromptsAsync(
        string ownerConnectionString, DomainDbContextFactory contexts, IReadOnlyList<(Guid Id, string Email)> users, DateTimeOffset start,
        CancellationToken ct)
    {
        if (await CountAsync(ownerConnectionString, "SELECT count(*) FROM public.system_prompts", ct) > 0)
        {
            return (0, 0, 0);
        }

        // Roles come from the profile: the publisher is a demo user the backend made an admin.
        var admins = await AdminsAsync(ownerConnectionString, ct);
        (Guid Id, string Email)? publisherUser = users.Where(u => admins.Contains(u.Id)).Select(u => ((Guid, string)?)u).FirstOrDefault();
        var prompts = new List<SystemPrompt>();
        var at = start;
        foreach (var plan in DemoPrompts.All)
        {
            var prompt = SystemPrompt.Create(plan.ToolName, plan.Provider, plan.Tier, plan.Description, at);
            var admin = publisherUser?.Id;
            var versions = plan.Versions.Select((text, i) => prompt.PublishVersion(text, i == 0 ? "first version" : $"revision {i + 1}", admin, at.AddDays(i))).ToList();
            prompt.Activate(versions[plan.ActiveVersion - 1], at.AddDays(plan.Versions.Count));
            prompts.Add(prompt);
            at = at.AddHours(1);
        }

        await using (var publisher = publisherUser is { } p ? contexts.For(RlsClaims.ForAdmin(p.Id, p.Email)) : contexts.AsServiceRole())
        {
            publisher.SystemPrompts.AddRange(prompts);
            await publisher.SaveChangesAsync(ct);
        }

        // How the demo users' calls went with each version: deterministic, so every `up` shows the same results.
        var runs = new List<PromptPerformanceRecord>();
        foreach (var version in prompts.SelectMany(p => p.Versions))
        {
            for (var i = 0; i < users.Count * 4; i++)
            {
                var succeeded = (i + 1) % (2 + version.VersionNumber) != 0;
                runs.Add(PromptPerformanceRecord.Create(
                    users[i % users.Count].Id, version.Id, 300 + (37 * i) + (11 * version.VersionNumber), 400 + (97 * i) - (60 * version.VersionNumber),
                    succeeded, version.CreatedAt.AddHours(i + 1), qualityScore: succeeded ? 0.5 + (0.05 * (i % 8)) : null,
                    errorMessage: succeeded ? null : "provider timeout"));
            }
        }

        await using (var backend = contexts.AsServiceRole())
        {
            backend.PromptPerformance.AddRange(runs);
            await backend.SaveChangesAsync(ct);
        }

        return (prompts.Count, prompts.Sum(p => p.Versions.Count), runs.Count);
    }

    /// <summary>
    /// Two conversations for demo user number <paramref name="index"/>: a chat about their first session and a code
    /// review resumed by continuation id, each assistant answer metered in <paramref name="usage"/>.
    /// </summary>
    private static IEnumerable<Conversation> Chats(Guid userId, int index, Guid sessionId, DateTimeOffset at, List<UsageRecord> usage)
    {
        var chat = Conversation.Create(
            userId, new ConversationStart("Questions about the first session", sessionId, toolName: "chat", provider: "openai"), at);
        var review = Conversation.Create(
            userId, new ConversationStart("Code review", continuationId: $"demo-review-{index + 1}", toolName: "code-review", provider: "anthropic",
                contextJson: """{"repository": "demo", "branch": "main"}"""), at.AddHours(3));
        var turns = new (Conversation Conversation, string Question, string Answer)[]
        {
            (chat, "What does the first revision change?", "It fixes the goal and names the open holes."),
            (chat, "Which hole is least certain?", "The one resolved with the lowest confidence; consider revising it."),
            (review, "Please review the draft.", "It compiles; the error path is untested."),
        };
        for (var t = 0; t < turns.Length; t++)
        {
            var (conversation, question, answer) = turns[t];
            var asked = at.AddMinutes(10 * (t + 1));
            conversation.AddMessage(new MessageContent(MessageRole.User, question), asked);
            var reply = conversation.AddMessage(
                new MessageContent(MessageRole.Assistant, answer, promptTokens: 120 + (10 * t), completionTokens: 40 + (5 * t),
                    provider: conversation.Provider, providerMessageId: $"demo-{index + 1}-{t + 1}"),
                asked.AddSeconds(3));
            usage.Add(UsageRecord.Create(
                userId, conversation.Provider!, "chat.completion", conversation.Provider == "openai" ? "gpt-demo" : "claude-demo",
                reply.PromptTokens!.Value, reply.CompletionTokens!.Value, 0.000150m * (t + 1), reply.CreatedAt,
                sessionId: conversation.SessionId, conversationId: conversation.Id));
        }

        return [chat, review];
    }

    /// <summary>
    /// Four files for demo user number <paramref name="index"/>: a specification (ready, copied to OpenAI, attached to the
    /// first chat), a diagram (ready, attached to both chats), notes never made ready (an orphan after a day), and an old
    /// export with a copy at Kimi whose deletion the caller requests once it is saved (last in the list).
    /// </summary>
    private static List<StoredFile> DemoFiles(Guid userId, int index, IReadOnlyList<Conversation> chats, DateTimeOffset at)
    {
        StoredFile File(string name, string mimeType, long size, DateTimeOffset when)
            => StoredFile.Register(
                userId,
                new FileDetails($"user-files/{userId}/{name}", name, mimeType, size,
                    Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"demo {index} {name}")))),
                when,
                id: Guid.CreateVersion7(when));

        var specification = File("specification.pdf", "application/pdf", 482_113, at);
        specification.RecordProviderUpload(new ProviderUploadDetails("openai", $"file-demo-{index + 1}-spec", "assistants"), at.AddMinutes(1));
        specification.MarkReady();
        var diagram = File("diagram.png", "image/png", 91_404, at.AddMinutes(5));
        diagram.MarkReady();
        var notes = File("notes.txt", "text/plain", 2_048, at.AddMinutes(9));
        var export = File("old-export.csv", "text/csv", 1_204_551, at.AddMinutes(12));
        export.RecordProviderUpload(
            new ProviderUploadDetails("kimi", $"kimi-demo-{index + 1}-export", "file-extract", at.AddDays(30)), at.AddMinutes(13));

        chats[0].AttachFile(specification, at.AddDays(1).AddHours(1));
        chats[0].AttachFile(diagram, at.AddDays(1).AddHours(1));
        chats[1].AttachFile(diagram, at.AddDays(1).AddHours(4));
        return [specification, diagram, notes, export];
    }

    private static Session Build(Guid userId, SessionPlan plan, ref DateTimeOffset at)
    {
        var session = Session.Create(userId, plan.Title, plan.Description, at, Guid.CreateVersion7(at));
        foreach (var step in plan.Steps)
        {
            at = at.AddMinutes(7);
            switch (step)
            {
                case RevisionStep r:
                    session.AddRevision(r.Ir, r.Summary, at);
                    break;
                case DraftStep d:
                    session.AddDraft(d.Code, d.Language, d.IsValid, d.ValidationDetails, at);
                    break;
                case HoleStep h:
                    session.ResolveHole(h.HoleId, h.Value, h.Confidence, at);
                    break;
            }
        }

        at = at.AddMinutes(30);
        switch (plan.Outcome)
        {
            case SessionStatus.Finalized:
                session.FinalizeSession(at);
                break;
            case SessionStatus.Archived:
                session.Archive(at);
                break;
        }

        return session;
    }

    private static async Task<long> CountAsync(string ownerConnectionString, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The demo users an earlier seed created, in seeding order; empty when there are none.</summary>
    private static async Task<List<(Guid Id, string Email)>> FindDemoUsersAsync(string ownerConnectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        var users = new List<(Guid, string)>();
        foreach (var email in DemoEmails)
        {
            await using var find = new NpgsqlCommand("SELECT id FROM auth.users WHERE email = @email ORDER BY id LIMIT 1", connection);
            find.Parameters.AddWithValue("email", email);
            if (await find.ExecuteScalarAsync(ct) is Guid id)
            {
                users.Add((id, email));
            }
        }

        return users;
    }

    private static async Task<long> CountSessionsAsync(string ownerConnectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM public.sessions", connection);
        try
        {
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            throw new DemoDataException("public.sessions does not exist: apply the migrations before seeding.", ex);
        }
    }

    private static async Task<List<Guid>> EnsureUsersAsync(string ownerConnectionString, DateTimeOffset start, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        try
        {
            return await EnsureUsersAsync(connection, start, ct);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new DemoDataException(
                $"Cannot create the demo users: {connection.UserName} may not write auth.users ({ex.MessageText}). "
                + "Seed as a role that may (on Supabase, postgres), or create the users through Supabase Auth.",
                ex);
        }
    }

    // A demo user left over from an earlier seed (its sessions deleted since) is reused rather than duplicated.
    private static async Task<List<Guid>> EnsureUsersAsync(NpgsqlConnection connection, DateTimeOffset start, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(ct);

        var ids = new List<Guid>();
        for (var u = 0; u < DemoPlans.Users.Count; u++)
        {
            var email = DemoPlans.Users[u].Email;
            await using var find = new NpgsqlCommand(
                "SELECT id FROM auth.users WHERE email = @email ORDER BY id LIMIT 1", connection, transaction);
            find.Parameters.AddWithValue("email", email);
            if (await find.ExecuteScalarAsync(ct) is Guid existing)
            {
                ids.Add(existing);
                continue;
            }

            var id = Guid.CreateVersion7(start.AddMinutes(u));
            await using var insert = new NpgsqlCommand(
                "INSERT INTO auth.users (id, email, raw_user_meta_data) VALUES (@id, @email, jsonb_build_object('full_name', @name::text))",
                connection,
                transaction);
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("email", email);
            insert.Parameters.AddWithValue("name", DemoPlans.Users[u].FullName);
            await insert.ExecuteNonQueryAsync(ct);
            ids.Add(id);
        }

        await transaction.CommitAsync(ct);
        return ids;
    }

    private abstract record Step;

    private sealed record RevisionStep(string Ir, string Summary) : Step;

    private sealed record DraftStep(string Code, string Language, bool IsValid, string? ValidationDetails) : Step;

    private sealed record HoleStep(string HoleId, string Value, double Confidence) : Step;

    private sealed record SessionPlan(string Title, string? Description, SessionStatus Outcome, IReadOnlyList<Step> Steps);

    private sealed record UserPlan(
        string Email, string FullName, IReadOnlyList<SessionPlan> Sessions, string? Preferences = null, bool IsAdmin = false, MonthlyUsageLimits? Limits = null);

    private sealed record PromptPlan(string ToolName, string Provider, int Tier, string Description, IReadOnlyList<string> Versions, int ActiveVersion);

    /// <summary>Seed 004's tools (chat, debug, analyze, codereview) for its providers (kimi, glm, base).</summary>
    private static class DemoPrompts
    {
        public static IReadOnlyList<PromptPlan> All { get; } =
        [
            new("chat", "kimi", 1, "General conversation",
            [
                "You are a helpful assistant. Answer the question.",
                "You are a helpful assistant. Answer the question in at most three paragraphs, and say when you are unsure.",
            ], ActiveVersion: 2),
            new("chat", "glm", 1, "General conversation",
            [
                "You are a concise assistant. Answer in plain language.",
            ], ActiveVersion: 1),
            new("codereview", "kimi", 2, "Reviews a diff for defects",
            [
                "Review the diff. List defects by severity.",
                "Review the diff. List defects by severity, each with the line it is on.",
                "Review the diff. List defects by severity, each with the line it is on and a suggested fix. Be exhaustive.",
            ], ActiveVersion: 2),
            new("debug", "base", 0, "Finds the cause of a failure",
            [
                "Given the error and the code, find the root cause before proposing a fix.",
            ], ActiveVersion: 1),
            new("analyze", "glm", 2, "Explains a codebase's structure",
            [
                "Describe the architecture: components, their responsibilities and how they depend on each other.",
                "Describe the architecture: components, their responsibilities, how they depend on each other, and the risks you see.",
            ], ActiveVersion: 2),
        ];
    }

    private static class DemoPlans
    {
        private const string Valid = """{"errors": [], "warnings": [], "metrics": {"lines": 12}}""";

        public static IReadOnlyList<UserPlan> Users { get; } =
        [
            new("ada@demo.domain.test", "Ada Lovelace",
            [
                new("Parse CSV invoices", "Turn supplier CSV exports into invoice records.", SessionStatus.Finalized,
                [
                    new RevisionStep("""{"goal": "parse invoices", "input": "csv", "holes": ["?h1"]}""", "First sketch"),
                    new HoleStep("?h1", """{"delimiter": ";"}""", 0.92),
                    new RevisionStep("""{"goal": "parse invoices", "input": "csv", "delimiter": ";"}""", "Delimiter fixed"),
                    new DraftStep("def parse(rows):\n    return [Invoice(*r) for r in rows]\n", "python", true, Valid),
                ]),
                new("Rate limiter middleware", "A token bucket per API key.", SessionStatus.Active,
                [
                    new RevisionStep("""{"goal": "rate limit", "algorithm": "token bucket", "holes": ["?h1", "?h2"]}""", "Initial IR"),
                    new HoleStep("?h1", """{"capacity": 100}""", 0.8),
                    new HoleStep("?h2", """{"refill_per_second": 10}""", 0.65),
                    new DraftStep("public sealed class RateLimiter { }", "csharp", false,
                        """{"errors": ["RateLimiter has no members"], "warnings": []}"""),
                    new DraftStep("public sealed class RateLimiter(int capacity) { public int Capacity => capacity; }", "csharp", true,
                        Valid),
                ]),
                new("Legacy report export", null, SessionStatus.Archived,
                [
                    new RevisionStep("""{"goal": "export monthly report", "format": "xlsx"}""", "Imported from the old tool"),
                ]),
            ], Preferences: """{"theme": "dark", "language": "en"}"""),
            new("grace@demo.domain.test", "Grace Hopper",
            [
                new("COBOL copybook to JSON Schema", "Map PIC clauses to JSON Schema types.", SessionStatus.Finalized,
                [
                    new RevisionStep("""{"goal": "convert copybook", "output": "json-schema", "holes": ["?pic"]}""", "Scope"),
                    new HoleStep("?pic", """{"PIC 9(5)": "integer", "PIC X(20)": "string"}""", 0.97),
                    new DraftStep("function convert(copybook) { return { type: 'object' }; }", "javascript", true, Valid),
                ]),
                new("Retry policy for payment webhooks", "Exponential backoff with jitter.", SessionStatus.Active,
                [
                    new RevisionStep("""{"goal": "retry webhooks", "max_attempts": 5, "holes": ["?h1"]}""", "Draft policy"),
                    new RevisionStep("""{"goal": "retry webhooks", "max_attempts": 6, "backoff": "exponential", "holes": ["?h1"]}""",
                        "One more attempt, exponential backoff"),
                    new HoleStep("?h1", """{"jitter": "full"}""", 0.55),
                ]),
                new("Nightly batch scheduler", "Replace the cron table with code.", SessionStatus.Archived,
                [
                    new RevisionStep("""{"goal": "schedule batches", "at": "02:00", "timezone": "UTC"}""", "From the cron table"),
                    new DraftStep("0 2 * * * /opt/batch/run.sh", "cron", true, null),
                ]),
                new("Unit conversion library", null, SessionStatus.Active, []),
            ], IsAdmin: true),
            new("linus@demo.domain.test", "Linus Torvalds",
            [
                new("Commit message linter", "A commit-msg hook enforcing the project's format.", SessionStatus.Finalized,
                [
                    new RevisionStep("""{"goal": "lint commit messages", "rules": ["subject <= 72", "blank second line"]}""", "Rules"),
                    new DraftStep("#!/bin/sh\nhead -1 \"$1\" | grep -qE '^.{1,72}$'\n", "sh", true, Valid),
                ]),
                new("Patch review checklist", "What a reviewer checks before acking.", SessionStatus.Active,
                [
                    new RevisionStep("""{"goal": "review checklist", "items": ["builds", "tests"], "holes": ["?h1"]}""", "Checklist"),
                    new HoleStep("?h1", """{"item": "no whitespace damage"}""", 0.7),
                    new DraftStep("- [ ] builds\n- [ ] tests\n- [ ] signed-off\n", "markdown", false,
                        """{"errors": ["hole ?h1 not rendered"], "warnings": ["list is short"]}"""),
                ]),
            ], Limits: MonthlyUsageLimits.Of(100_000, 5.00m)),
        ];
    }
}
