using Domain.Common;

namespace Domain.Usage;

/// <summary>
/// One metered call to an external service (seeds 000, 001, 003: API usage and cost tracking). Append-only: a
/// record is written once, by the service's recorder, and never changed.
/// </summary>
public sealed class UsageRecord : IAggregateRoot
{
    private UsageRecord()
    {
        Service = string.Empty;
        Operation = string.Empty;
    }

    public Guid Id { get; private set; }

    public Guid UserId { get; private set; }

    /// <summary>The session the usage was spent on, if any (the same owner's, enforced by the database).</summary>
    public Guid? SessionId { get; private set; }

    /// <summary>The conversation the usage was spent on, if any (the same owner's, enforced by the database).</summary>
    public Guid? ConversationId { get; private set; }

    /// <summary>The provider or subsystem billed (for example <c>openai</c>).</summary>
    public string Service { get; private set; }

    /// <summary>What was done (for example <c>chat.completion</c>).</summary>
    public string Operation { get; private set; }

    public string? Model { get; private set; }

    public int InputTokens { get; private set; }

    public int OutputTokens { get; private set; }

    /// <summary>Cost in US dollars, to the micro-dollar.</summary>
    public decimal CostUsd { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>
    /// A record of one call; <paramref name="sessionId"/> and <paramref name="conversationId"/> name the work it was
    /// spent on, when there is one.
    /// </summary>
    public static UsageRecord Create(
        Guid userId, string service, string operation, string? model, int inputTokens, int outputTokens, decimal costUsd, DateTimeOffset occurredAt,
        Guid? id = null, Guid? sessionId = null, Guid? conversationId = null)
    {
        if (inputTokens < 0 || outputTokens < 0)
        {
            throw new DomainException("tokens.negative", $"token counts must not be negative (got input {inputTokens}, output {outputTokens}).");
        }

        if (costUsd < 0 || costUsd > UsageLimits.MaxCostUsd || decimal.Round(costUsd, UsageLimits.CostScale) != costUsd)
        {
            throw new DomainException(
                "cost_usd.invalid", $"cost_usd must be between 0 and {UsageLimits.MaxCostUsd} with at most {UsageLimits.CostScale} decimals (got {costUsd}).");
        }

        return new UsageRecord
        {
            Id = id ?? Guid.CreateVersion7(occurredAt),
            UserId = Guard.NotEmpty(userId, "user_id"),
            SessionId = sessionId is { } session ? Guard.NotEmpty(session, "session_id") : null,
            ConversationId = conversationId is { } conversation ? Guard.NotEmpty(conversation, "conversation_id") : null,
            Service = Guard.Text(service, "service", UsageLimits.ServiceMaxLength),
            Operation = Guard.Text(operation, "operation", UsageLimits.OperationMaxLength),
            Model = Guard.OptionalText(model, "model", UsageLimits.ModelMaxLength),
            InputTokens = inputTokens,
            OutputTokens = outputTokens,
            CostUsd = costUsd,
            OccurredAt = occurredAt,
        };
    }
}

/// <summary>Limits of usage records, shared by the EF configuration and the database checks.</summary>
public static class UsageLimits
{
    public const int ServiceMaxLength = 64;
    public const int OperationMaxLength = 64;
    public const int ModelMaxLength = 100;
    public const int CostPrecision = 12;
    public const int CostScale = 6;
    public const decimal MaxCostUsd = 999_999.999999m;
}
