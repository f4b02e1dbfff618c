using Microsoft.Extensions.Logging;

namespace Domain.UnitTests.Usage;

/// <summary>A logger (and logger provider) that keeps every entry with its structured values.</summary>
public sealed class CapturingLogger : ILogger, ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<CapturedEntry> _entries = [];

    public IReadOnlyList<CapturedEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(
        LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        var entry = new CapturedEntry(logLevel, formatter(state, exception), exception, values.ToDictionary(v => v.Key, v => v.Value));
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }

    public ILogger CreateLogger(string categoryName) => this;

    public void Dispose()
    {
    }
}

public sealed record CapturedEntry(LogLevel Level, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Values);
