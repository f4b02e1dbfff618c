using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Domain.Persistence.Connections;

/// <summary>
/// Carries the configured <see cref="DomainConnectionMode"/> in a context's options, where EF's services (the
/// migrator) can read it. Null: not configured, decided from the connection string (<see cref="ConnectionModes"/>).
/// </summary>
internal sealed class ConnectionModeOptionsExtension(DomainConnectionMode? configured) : IDbContextOptionsExtension
{
    private ExtensionInfo? _info;

    public DomainConnectionMode? Configured { get; } = configured;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(ConnectionModeOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        private new ConnectionModeOptionsExtension Extension => (ConnectionModeOptionsExtension)base.Extension;

        public override bool IsDatabaseProvider => false;

        public override string LogFragment => Extension.Configured is { } mode ? $"ConnectionMode={mode} " : string.Empty;

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
            => debugInfo["Domain:ConnectionMode"] = Extension.Configured?.ToString() ?? "from the connection string";
    }
}
