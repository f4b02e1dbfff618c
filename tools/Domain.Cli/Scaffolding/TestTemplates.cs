namespace Domain.Cli.Scaffolding;

/// <summary>
/// The integration tests of a scaffolded entity, on the migrated database: a round trip through its store, keyset
/// pages, its row-level security for every kind of caller, and bad input refused with nothing written.
/// </summary>
internal static class TestTemplates
{
    public const string Folder = "tests/Domain.IntegrationTests/Scaffolded";

    public static string Tests(EntitySpec e)
    {
        var usings = new List<string>
        {
            "Domain.Application", "Domain.Application.Common", ApplicationTemplates.Namespace(e), e.DomainNamespace,
            "Domain.IntegrationTests.Infrastructure", "Domain.Persistence.Errors", "Domain.Persistence.Rls", "FluentValidation",
            "Microsoft.EntityFrameworkCore", "Microsoft.Extensions.DependencyInjection",
        };
        if (e.IsChild)
        {
            usings.Add(e.Root!.Namespace);
        }

        var tests = e.Shape switch
        {
            EntityShape.Root => RootTests(e),
            EntityShape.Shared => SharedTests(e),
            EntityShape.Ledger => LedgerTests(e),
            _ => ChildTests(e),
        };
        var text = $$"""
            {{string.Join("\n", usings.Distinct().Order(StringComparer.Ordinal).Select(u => $"using {u};"))}}

            namespace Domain.IntegrationTests.Scaffolded;

            /// <summary>
            /// <see cref="{{e.Name}}"/> as <c>domain scaffold entity</c> generated it, on the migrated database: a round trip
            /// through <see cref="{{e.StoreName}}"/>, keyset pages, its row-level security for every kind of caller, and bad input
            /// refused with nothing written. Keep them green as the entity grows.
            /// </summary>
            public sealed class {{e.Name}}Tests : DatabaseTest
            {
                private readonly ServiceProvider _services;
                private readonly {{e.StoreName}} _store;

                public {{e.Name}}Tests(MigratedDatabase database)
                    : base(database)
                {
                    _services = new ServiceCollection().AddSingleton(database.Contexts).AddDomainApplication().BuildServiceProvider();
                    _store = _services.GetRequiredService<{{e.StoreName}}>();
                }

                public override async Task DisposeAsync()
                {
                    await _services.DisposeAsync();
                    await base.DisposeAsync();
                }

            {{Indent(tests)}}

            {{Indent(Helpers(e))}}
            }
            """;
        return text.ReplaceLineEndings("\n").TrimEnd() + "\n";
    }

    private static string RootTests(EntitySpec e) => $$"""
        [Fact]
        public async Task RoundTrip_CreateReadListUpdateDelete()
        {
            var alice = await Database.CreateUserAsync();

            var created = await _store.CreateAsync(Caller.User(alice), NewRequest());
            var read = await _store.GetAsync(Caller.User(alice), created.Id);

            Assert.NotNull(read);
            Assert.Equal(alice, read.UserId);
            AssertFields(NewRequest(), read);
            Assert.Equal([created.Id], (await _store.ListAsync(Caller.User(alice), new {{e.ListRequest}}())).Select(x => x.Id));

            await _store.UpdateAsync(Caller.User(alice), created.Id, ChangedRequest());
            var changed = await _store.GetAsync(Caller.User(alice), created.Id);

            Assert.NotNull(changed);
            AssertFields(ChangedRequest(), changed);
            Assert.True(changed.UpdatedAt >= created.UpdatedAt);

            Assert.True(await _store.DeleteAsync(Caller.User(alice), created.Id));
            Assert.Null(await _store.GetAsync(Caller.User(alice), created.Id));
            Assert.Equal(0L, await CountAsync());
        }

        {{PagingTest(e, "Caller.User(alice)", "_store.CreateAsync(Caller.User(alice), NewRequest())", newestFirst: true)}}

        [Fact]
        public async Task Rls_OnlyTheOwnerReachesIt_AnAdminReadsButDoesNotChangeIt_AnonReachesNothing()
        {
            var (alice, bob, admin) = (await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync());
            var row = await _store.CreateAsync(Caller.User(alice), NewRequest());

            Assert.Null(await _store.GetAsync(Caller.User(bob), row.Id));
            Assert.Empty(await _store.ListAsync(Caller.User(bob), new {{e.ListRequest}}()));
            await Assert.ThrowsAsync<NotFoundException>(() => _store.UpdateAsync(Caller.User(bob), row.Id, ChangedRequest()));
            Assert.False(await _store.DeleteAsync(Caller.User(bob), row.Id));

            Assert.NotNull(await _store.GetAsync(Caller.Admin(admin), row.Id));
            await Assert.ThrowsAsync<RlsViolationException>(() => _store.UpdateAsync(Caller.Admin(admin), row.Id, ChangedRequest()));
            Assert.False(await _store.DeleteAsync(Caller.Admin(admin), row.Id));

            Assert.Null(await _store.GetAsync(Caller.Anonymous, row.Id));
            Assert.Empty(await _store.ListAsync(Caller.Anonymous, new {{e.ListRequest}}()));
            await Assert.ThrowsAsync<ValidationException>(() => _store.CreateAsync(Caller.Anonymous, NewRequest()));
            Assert.False(await _store.DeleteAsync(Caller.Anonymous, row.Id));

            Assert.NotNull(await _store.GetAsync(Caller.Service, row.Id));
            AssertFields(NewRequest(), (await _store.GetAsync(Caller.User(alice), row.Id))!);
            Assert.Equal(1L, await CountAsync());
        }

        [Fact]
        public async Task Rls_TheDatabaseRefusesARowWrittenForAnotherUser()
        {
            var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
            var request = NewRequest();

            await using (var context = Database.ContextFor(RlsClaims.ForUser(bob)))
            {
                context.Add({{e.Name}}.Create(alice, {{RequestArguments(e, "request")}}, Clock.GetUtcNow()));
                await Assert.ThrowsAsync<RlsViolationException>(() => context.SaveChangesAsync());
            }

            Assert.Equal(0L, await CountAsync());
        }
        {{InvalidInputTest(e, "_store.CreateAsync(Caller.User(alice), {0})", "var alice = await Database.CreateUserAsync();")}}
        """;

    private static string SharedTests(EntitySpec e) => $$"""
        [Fact]
        public async Task RoundTrip_AnAdminCreatesReadsListsUpdatesAndDeletes()
        {
            var admin = Caller.Admin(await Database.CreateUserAsync());

            var created = await _store.CreateAsync(admin, NewRequest());
            var read = await _store.GetAsync(admin, created.Id);

            Assert.NotNull(read);
            AssertFields(NewRequest(), read);
            Assert.Equal([created.Id], (await _store.ListAsync(admin, new {{e.ListRequest}}())).Select(x => x.Id));

            await _store.UpdateAsync(admin, created.Id, ChangedRequest());
            var changed = await _store.GetAsync(admin, created.Id);

            Assert.NotNull(changed);
            AssertFields(ChangedRequest(), changed);
            Assert.True(changed.UpdatedAt >= created.UpdatedAt);

            Assert.True(await _store.DeleteAsync(admin, created.Id));
            Assert.Null(await _store.GetAsync(admin, created.Id));
            Assert.Equal(0L, await CountAsync());
        }

        {{PagingTest(e, "Caller.User(alice)", "_store.CreateAsync(Caller.Service, NewRequest())", newestFirst: true)}}

        [Fact]
        public async Task Rls_EverySignedInCallerReads_OnlyAdminsAndTheBackendWrite_AnonReachesNothing()
        {
            var (alice, admin) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
            var row = await _store.CreateAsync(Caller.Service, NewRequest());

            Assert.NotNull(await _store.GetAsync(Caller.User(alice), row.Id));
            Assert.Single(await _store.ListAsync(Caller.User(alice), new {{e.ListRequest}}()));
            await Assert.ThrowsAsync<RlsViolationException>(() => _store.CreateAsync(Caller.User(alice), NewRequest()));
            await Assert.ThrowsAsync<RlsViolationException>(() => _store.UpdateAsync(Caller.User(alice), row.Id, ChangedRequest()));
            await Assert.ThrowsAsync<RlsViolationException>(() => _store.DeleteAsync(Caller.User(alice), row.Id));

            Assert.Null(await _store.GetAsync(Caller.Anonymous, row.Id));
            Assert.Empty(await _store.ListAsync(Caller.Anonymous, new {{e.ListRequest}}()));
            await Assert.ThrowsAsync<RlsViolationException>(() => _store.CreateAsync(Caller.Anonymous, NewRequest()));

            AssertFields(NewRequest(), (await _store.GetAsync(Caller.Admin(admin), row.Id))!);
            await _store.UpdateAsync(Caller.Admin(admin), row.Id, ChangedRequest());
            AssertFields(ChangedRequest(), (await _store.GetAsync(Caller.User(alice), row.Id))!);
            Assert.Equal(1L, await CountAsync());
        }
        {{InvalidInputTest(e, "_store.CreateAsync(Caller.Admin(admin), {0})", "var admin = await Database.CreateUserAsync();")}}
        """;

    private static string LedgerTests(EntitySpec e) => $$"""
        [Fact]
        public async Task RoundTrip_TheBackendAppends_TheOwnerReadsAndLists()
        {
            var alice = await Database.CreateUserAsync();

            var appended = await _store.AppendAsync(Caller.Service, NewRequest(alice));
            var read = await _store.GetAsync(Caller.User(alice), appended.Id);

            Assert.NotNull(read);
            Assert.Equal(alice, read.UserId);
            AssertFields(NewRequest(alice), read);
            Assert.Equal([appended.Id], (await _store.ListAsync(Caller.User(alice), new {{e.ListRequest}}())).Select(x => x.Id));
        }

        {{PagingTest(e, "Caller.User(alice)", "_store.AppendAsync(Caller.Service, NewRequest(alice))", newestFirst: true)}}

        [Fact]
        public async Task Rls_OwnersReadTheirRecords_AdminsReadEvery_NobodyButTheBackendAppends_NobodyChangesOne()
        {
            var (alice, bob, admin) = (await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync());
            var row = await _store.AppendAsync(Caller.Service, NewRequest(alice));

            Assert.Null(await _store.GetAsync(Caller.User(bob), row.Id));
            Assert.Empty(await _store.ListAsync(Caller.User(bob), new {{e.ListRequest}}()));
            Assert.NotNull(await _store.GetAsync(Caller.Admin(admin), row.Id));
            Assert.Null(await _store.GetAsync(Caller.Anonymous, row.Id));

            await Assert.ThrowsAsync<RlsViolationException>(() => _store.AppendAsync(Caller.User(alice), NewRequest(alice)));
            await Assert.ThrowsAsync<RlsViolationException>(() => _store.AppendAsync(Caller.Admin(admin), NewRequest(admin)));
            foreach (var claims in new[] { RlsClaims.ForUser(alice), RlsClaims.ForAdmin(admin), RlsClaims.Service })
            {
                await using var context = Database.ContextFor(claims);
                await Assert.ThrowsAsync<RlsViolationException>(() =>
                    context.Set<{{e.Name}}>().Where(x => x.Id == row.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.CreatedAt, DateTimeOffset.UnixEpoch)));
                await Assert.ThrowsAsync<RlsViolationException>(() => context.Set<{{e.Name}}>().Where(x => x.Id == row.Id).ExecuteDeleteAsync());
            }

            AssertFields(NewRequest(alice), (await _store.GetAsync(Caller.User(alice), row.Id))!);
            Assert.Equal(1L, await CountAsync());
        }
        {{InvalidInputTest(e, "_store.AppendAsync(Caller.Service, {0})", "var alice = await Database.CreateUserAsync();")}}
        """;

    private static string ChildTests(EntitySpec e)
    {
        var root = e.Root!;
        var counter = Naming.Snake(e.Counter);
        var foreign = root.FactoryTakesId
            ? $$"""

                [Fact]
                public async Task TheDatabaseRefusesA{{e.Name}}UnderAnotherUsers{{root.Name}}()
                {
                    var (alice, bob) = (await Database.CreateUserAsync(), await Database.CreateUserAsync());
                    var alices = await CreateRootAsync(alice);
                    var request = NewRequest();

                    // Bob's own {{Naming.Words(root.Name)}} object with the id of Alice's: the row it adds carries Bob as owner and Alice's {{Naming.Words(root.Name)}}.
                    var now = Clock.GetUtcNow();
                    var impostor = {{Factory(root, "bob", "now", "alices")}};
                    var {{Naming.Camel(e.Name)}} = impostor.Add{{e.Name}}({{RequestArguments(e, "request")}}, now);
                    await using (var context = Database.ContextFor(RlsClaims.ForUser(bob)))
                    {
                        context.Add({{Naming.Camel(e.Name)}});
                        await Assert.ThrowsAsync<ReferenceViolationException>(() => context.SaveChangesAsync());
                    }

                    Assert.Equal(0L, await CountAsync());
                }
                """
            : string.Empty;
        return $$"""
            [Fact]
            public async Task RoundTrip_AddReadListRemove_TheDatabaseCountsThem()
            {
                var alice = await Database.CreateUserAsync();
                var rootId = await CreateRootAsync(alice);

                var added = await _store.AddAsync(Caller.User(alice), rootId, NewRequest());
                var read = await _store.GetAsync(Caller.User(alice), added.Id);

                Assert.NotNull(read);
                Assert.Equal(rootId, read.{{e.RootKey}});
                AssertFields(NewRequest(), read);
                Assert.Equal([added.Id], (await _store.ListAsync(Caller.User(alice), rootId, new {{e.ListRequest}}())).Select(x => x.Id));
                Assert.Equal(1, await CounterAsync(rootId));

                Assert.True(await _store.RemoveAsync(Caller.User(alice), rootId, added.Id));
                Assert.Null(await _store.GetAsync(Caller.User(alice), added.Id));
                Assert.False(await _store.RemoveAsync(Caller.User(alice), rootId, added.Id));
                Assert.Equal(0, await CounterAsync(rootId));
                Assert.Equal(0L, await CountAsync());
            }

            {{PagingTest(e, "Caller.User(alice)", "_store.AddAsync(Caller.User(alice), rootId, NewRequest())", newestFirst: false)}}

            [Fact]
            public async Task Rls_OnlyTheOwnerReachesThem_AnAdminReadsButDoesNotChangeThem_AnonReachesNothing()
            {
                var (alice, bob, admin) = (await Database.CreateUserAsync(), await Database.CreateUserAsync(), await Database.CreateUserAsync());
                var rootId = await CreateRootAsync(alice);
                var row = await _store.AddAsync(Caller.User(alice), rootId, NewRequest());

                Assert.Null(await _store.GetAsync(Caller.User(bob), row.Id));
                Assert.Empty(await _store.ListAsync(Caller.User(bob), rootId, new {{e.ListRequest}}()));
                await Assert.ThrowsAsync<NotFoundException>(() => _store.AddAsync(Caller.User(bob), rootId, NewRequest()));
                Assert.False(await _store.RemoveAsync(Caller.User(bob), rootId, row.Id));

                Assert.NotNull(await _store.GetAsync(Caller.Admin(admin), row.Id));
                Assert.Single(await _store.ListAsync(Caller.Admin(admin), rootId, new {{e.ListRequest}}()));
                await Assert.ThrowsAsync<RlsViolationException>(() => _store.AddAsync(Caller.Admin(admin), rootId, NewRequest()));
                await Assert.ThrowsAsync<RlsViolationException>(() => _store.RemoveAsync(Caller.Admin(admin), rootId, row.Id));

                Assert.Null(await _store.GetAsync(Caller.Anonymous, row.Id));
                Assert.Empty(await _store.ListAsync(Caller.Anonymous, rootId, new {{e.ListRequest}}()));
                await Assert.ThrowsAsync<NotFoundException>(() => _store.AddAsync(Caller.Anonymous, rootId, NewRequest()));

                Assert.NotNull(await _store.GetAsync(Caller.Service, row.Id));
                Assert.Equal(1L, await CountAsync());
                Assert.Equal(1, await CounterAsync(rootId));
            }
            {{foreign}}
            {{InvalidInputTest(e, "_store.AddAsync(Caller.User(alice), rootId, {0})", "var alice = await Database.CreateUserAsync();", "var rootId = await CreateRootAsync(alice);")}}
            """ + $$"""

            private async Task<Guid> CreateRootAsync(Guid owner)
            {
                var now = Clock.GetUtcNow();
                var root = {{Factory(root, "owner", "now", id: null)}};
                await using var context = Database.ContextFor(RlsClaims.ForUser(owner));
                context.Add(root);
                await context.SaveChangesAsync();
                return root.Id;
            }

            private async Task<int> CounterAsync(Guid rootId)
                => await Database.ScalarAsync<int>("SELECT {{counter}} FROM public.{{root.Table}} WHERE id = @id", ("id", rootId));
            """;
    }

    private static string PagingTest(EntitySpec e, string reader, string create, bool newestFirst)
    {
        var setup = e.IsChild ? "\n    var rootId = await CreateRootAsync(alice);" : string.Empty;
        var list = e.IsChild ? "_store.ListAsync({0}, rootId, {1})" : "_store.ListAsync({0}, {1})";
        var first = string.Format(System.Globalization.CultureInfo.InvariantCulture, list, reader, $"new {e.ListRequest}(PageSize: 2)");
        var second = string.Format(System.Globalization.CultureInfo.InvariantCulture, list, reader, $"{e.ListRequest}.NextPage(first[^1], pageSize: 2)");
        return $$"""
            [Fact]
            public async Task List_PagesByKeyset_{{(newestFirst ? "NewestFirst" : "OldestFirst")}}_WithoutRepeatsOrGaps()
            {
                var alice = await Database.CreateUserAsync();{{setup}}
                var created = new List<Guid>();
                for (var i = 0; i < 3; i++)
                {
                    created.Add((await {{create}}).Id);
                }

                var first = await {{first}};
                var second = await {{second}};

                Assert.Equal(2, first.Count);
                Assert.Single(second);
                Assert.Equal(created.Order(), first.Concat(second).Select(x => x.Id).Order());
                var times = first.Concat(second).Select(x => x.CreatedAt).ToList();
                Assert.Equal(times.{{(newestFirst ? "OrderDescending" : "Order")}}(), times);
            }
            """;
    }

    /// <summary>The first field with a maximum length, given one character too many; nothing when no field has a maximum.</summary>
    private static string InvalidInputTest(EntitySpec e, string call, params string[] arrange)
    {
        var field = e.Fields.FirstOrDefault(f => f.LimitConstant is not null);
        if (field is null)
        {
            return string.Empty;
        }

        var request = e.Shape == EntityShape.Ledger ? "NewRequest(alice)" : "NewRequest()";
        var invocation = string.Format(System.Globalization.CultureInfo.InvariantCulture, call,
            $"{request} with {{ {field.Property} = {FieldCode.TooLong(field, e.LimitsClass)} }}");
        return $$"""

            [Fact]
            public async Task InvalidInput_IsRefusedNamingTheField_AndNothingIsWritten()
            {
                {{string.Join("\n    ", arrange)}}

                var error = await Assert.ThrowsAsync<ValidationException>(() => {{invocation}});

                Assert.Contains(error.Errors, failure => failure.PropertyName == nameof({{e.CreateRequest}}.{{field.Property}}));
                Assert.Equal(0L, await CountAsync());
            }
            """;
    }

    private static string Helpers(EntitySpec e)
    {
        var samples = string.Join(", ", e.Fields.Select(f => FieldCode.Sample(f, 0)));
        var changed = string.Join(", ", e.Fields.Select(f => FieldCode.Sample(f, 1)));
        var requests = e.Shape switch
        {
            EntityShape.Ledger => $"private static {e.CreateRequest} NewRequest(Guid userId) => new(userId, {samples});",
            EntityShape.Child => $"private static {e.CreateRequest} NewRequest() => new({samples});",
            _ => $"private static {e.CreateRequest} NewRequest() => new({samples});\n\nprivate static {e.UpdateRequest} ChangedRequest() => new({changed});",
        };
        var asserts = string.Join("\n", e.Fields.Select(f => f.Kind == FieldKind.Json
            ? $"    Assert.True(StoredRows.SameJson(expected.{f.Property}, actual.{f.Property}), actual.{f.Property});"
            : $"    Assert.Equal(expected.{f.Property}, actual.{f.Property});"));
        return $$"""
            {{requests}}

            private static void AssertFields({{e.FieldsInterface}} expected, {{e.DtoName}} actual)
            {
            {{asserts}}
            }

            private async Task<long> CountAsync() => await Database.ScalarAsync<long>("SELECT count(*) FROM public.{{e.Table}}");
            """;
    }

    /// <summary>The fields of <paramref name="request"/> as arguments: <c>request.Title, request.Notes</c>.</summary>
    private static string RequestArguments(EntitySpec e, string request) => string.Join(", ", e.Fields.Select(f => $"{request}.{f.Property}"));

    private static string Factory(RootInfo root, string owner, string now, string? id)
    {
        var call = root.Factory.Replace("{owner}", owner, StringComparison.Ordinal).Replace("{now}", now, StringComparison.Ordinal);
        return call.Replace("{id}", id ?? "null", StringComparison.Ordinal);
    }

    private static string Indent(string text)
    {
        var lines = text.ReplaceLineEndings("\n").Trim('\n').Split('\n');
        return string.Join("\n", lines.Select(l => l.Length == 0 ? l : "    " + l));
    }
}
