using System.CommandLine;
using Domain.Cli;
using Domain.Cli.Commands;

var root = new RootCommand("The domain data layer's tool: a local PostgreSQL, migrations and demo data.")
{
    CliOptions.Connection,
    CliOptions.Verbose,
    UpCommand.Create(),
    MigrateCommand.Create(),
    SeedCommand.Create(),
    StatusCommand.Create(),
    RollbackCommand.Create(),
    LintCommand.Create(),
    ConversationsCommand.Create(),
    PromptsCommand.Create(),
    ProfilesCommand.Create(),
    KeysCommand.Create(),
    AuditCommand.Create(),
    FilesCommand.Create(),
    ErdCommand.Create(),
    FreezeCommand.Create(),
    ScaffoldCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
