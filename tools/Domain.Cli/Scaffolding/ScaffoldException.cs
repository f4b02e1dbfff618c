namespace Domain.Cli.Scaffolding;

/// <summary>A scaffold the generator refuses before writing anything; the message says what is wrong and what to do.</summary>
internal sealed class ScaffoldException(string message) : Exception(message);
