using Domain.IntegrationTests.Infrastructure;
using Domain.Persistence.Prompts;
using Domain.Persistence.Rls;
using Domain.Prompts;
using Npgsql;

namespace Domain.IntegrationTests.Prompts;

/// <summary>What the database itself holds the prompt tables to, whoever writes them (the layer or psql).</summary>
public sealed class PromptPersistenceTests(MigratedDatabase database) : DatabaseTest(database)
{
    [Fact]
    public async Task ANewPrompt_AndTheFirstVersionItActivates_AreSavedTogether()
    {
        var prompt = await SaveAsync(NewPrompt("You are helpful."));

        Assert.Equal(
            (1, 1, "You are helpful."),
            (await Database.ScalarAsync<int>("SELECT active_version_number FROM public.system_prompts WHERE id = @id", ("id", prompt.Id)),
             await Database.ScalarAsync<int>("SELECT last_version_number FROM public.system_prompts WHERE id = @id", ("id", prompt.Id)),
             await Database.ScalarAsync<string>("SELECT content FROM public.prompt_versions WHERE prompt_id = @id", ("id", prompt.Id))));
    }

    [Fact]
    public async Task TheActiveVersion_MustBeOneOfThePromptsOwn_CheckedAtCommit()
    {
        var first = await SaveAsync(NewPrompt("first"));
        var second = NewPrompt("second", provider: "glm");
        second.PublishVersion("second, revised", null, null, Clock.GetUtcNow());
        await SaveAsync(second);

        // Only the other prompt has a version 2.
        var refused = await Assert.ThrowsAsync<PostgresException>(() => TestServer.ExecuteAsync(
            Database.AdminConnectionString, $"UPDATE public.system_prompts SET last_version_number = 2, active_version_number = 2 WHERE id = '{first.Id}'"));

        Assert.Equal((PostgresErrorCodes.ForeignKeyViolation, "fk_system_prompts_active_version"), (refused.SqlState, refused.ConstraintName));
        Assert.Equal(1, await Database.ScalarAsync<int>("SELECT active_version_number FROM public.system_prompts WHERE id = @id", ("id", first.Id)));
    }

    [Fact]
    public async Task ActivatingAVersionRemovedMeanwhile_IsRefusedAtCommit_AsAReferenceViolation()
    {
        var prompt = NewPrompt("one");
        prompt.PublishVersion("two", null, null, Clock.GetUtcNow());
        await SaveAsync(prompt);
        await using var db = Database.ContextFor(RlsClaims.Service);
        var loaded = (await db.FindPromptAsync("chat", "kimi"))!;
        var second = (await db.FindPromptVersionAsync(loaded.Id, 2))!;
        await TestServer.ExecuteAsync(Database.AdminConnectionString, "DELETE FROM public.prompt_versions WHERE version_number = 2");

        loaded.Activate(second, Clock.GetUtcNow());
        var refused = await Assert.ThrowsAsync<Domain.Persistence.Errors.ReferenceViolationException>(() => db.SaveChangesAsync());

        Assert.Equal("fk_system_prompts_active_version", refused.ConstraintName);
        Assert.Equal(1, await Database.ScalarAsync<int>("SELECT active_version_number FROM public.system_prompts"));
    }

    [Fact]
    public async Task TheActiveVersion_CannotBeDeleted_ButGoesWithItsPrompt()
    {
        var prompt = await SaveAsync(NewPrompt("keep me"));

        var refused = await Assert.ThrowsAsync<PostgresException>(() => TestServer.ExecuteAsync(
            Database.AdminConnectionString, $"DELETE FROM public.prompt_versions WHERE prompt_id = '{prompt.Id}'"));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refused.SqlState);

        await TestServer.ExecuteAsync(Database.AdminConnectionString, $"DELETE FROM public.system_prompts WHERE id = '{prompt.Id}'");
        Assert.Equal(0L, await Database.ScalarAsync<long>("SELECT count(*) FROM public.prompt_versions"));
    }

    [Fact]
    public async Task AVersionsContentHash_IsItsContentsSha256_WhoeverWritesIt()
    {
        var prompt = await SaveAsync(NewPrompt("héllo wörld ✓"));

        Assert.Equal(
            PromptVersion.HashOf("héllo wörld ✓"),
            await Database.ScalarAsync<string>("SELECT encode(sha256(convert_to(content, 'UTF8')), 'hex') FROM public.prompt_versions"));
        var forged = await Assert.ThrowsAsync<PostgresException>(() => TestServer.ExecuteAsync(Database.AdminConnectionString, $"""
            INSERT INTO public.prompt_versions (prompt_id, version_number, content, content_hash)
            VALUES ('{prompt.Id}', 2, 'other text', '{PromptVersion.HashOf("héllo wörld ✓")}')
            """));
        Assert.Equal("ck_prompt_versions_content_hash", forged.ConstraintName);
    }

    [Fact]
    public async Task TheCatalogVersion_MovesWithEveryCommittedPromptChange_FromAnyWriter()
    {
        await using var backend = Database.ContextFor(RlsClaims.Service);
        var before = await backend.ReadPromptCatalogVersionAsync();

        var prompt = await SaveAsync(NewPrompt("v1"));
        var afterInsert = await backend.ReadPromptCatalogVersionAsync();
        await TestServer.ExecuteAsync(Database.AdminConnectionString, $"""
            INSERT INTO public.prompt_versions (prompt_id, version_number, content, content_hash)
            VALUES ('{prompt.Id}', 2, 'v2', encode(sha256(convert_to('v2', 'UTF8')), 'hex'));
            UPDATE public.system_prompts SET last_version_number = 2, active_version_number = 2 WHERE id = '{prompt.Id}';
            """);
        var afterPsql = await backend.ReadPromptCatalogVersionAsync();
        await TestServer.ExecuteAsync(Database.AdminConnectionString, "SELECT count(*) FROM public.system_prompts");
        var afterRead = await backend.ReadPromptCatalogVersionAsync();

        Assert.True(afterInsert > before);
        Assert.True(afterPsql > afterInsert);
        Assert.Equal(afterPsql, afterRead);
        var row = await backend.ReadActivePromptAsync("chat", "kimi");
        Assert.Equal((2, "v2", afterRead), (row.VersionNumber, row.Content, row.CatalogVersion));
    }

    [Fact]
    public async Task TheCatalogVersion_IsReadableByTheServiceRoleOnly()
    {
        foreach (var caller in new[] { RlsClaims.Anonymous, RlsClaims.ForUser(Guid.CreateVersion7()), RlsClaims.ForAdmin(Guid.CreateVersion7()) })
        {
            await using var db = Database.ContextFor(caller);
            var ex = await Assert.ThrowsAsync<Domain.Persistence.Errors.RlsViolationException>(() => db.ReadPromptCatalogVersionAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
        }
    }

    private SystemPrompt NewPrompt(string content, string provider = "kimi")
    {
        var now = Clock.GetUtcNow();
        var prompt = SystemPrompt.Create("chat", provider, 1, "answers questions", now);
        prompt.Activate(prompt.PublishVersion(content, "first", null, now), now);
        return prompt;
    }

    private async Task<SystemPrompt> SaveAsync(SystemPrompt prompt)
    {
        await using var db = Database.ContextFor(RlsClaims.Service);
        db.SystemPrompts.Add(prompt);
        await db.SaveChangesAsync();
        return prompt;
    }
}
