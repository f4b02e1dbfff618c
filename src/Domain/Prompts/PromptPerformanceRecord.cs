using Domain.Common;

namespace Domain.Prompts;

/// <summary>
/// How one model call made with a prompt version went (seed 004's <c>prompt_performance</c>): tokens, latency, success,
/// an optional quality score. Append-only: written once, by the recorder, for the user whose call it measured, and never
/// changed.
/// </summary>
public sealed class PromptPerformanceRecord : IAggregateRoot
{
    private PromptPerformanceRecord()
    {
    }

    public Guid Id { get; private set; }

    /// <summary>The user whose call was measured.</summary>
    public Guid UserId { get; private set; }

    /// <summary>The prompt version the call used.</summary>
    public Guid PromptVersionId { get; private set; }

    /// <summary>Tokens the call used (prompt and completion), as the provider counted them.</summary>
    public int TokenCount { get; private set; }

    /// <summary>How long the call took, in milliseconds.</summary>
    public int LatencyMs { get; private set; }

    public bool Succeeded { get; private set; }

    /// <summary>A judgement of the answer from 0 (useless) to 1 (perfect), when one was made.</summary>
    public double? QualityScore { get; private set; }

    /// <summary>What went wrong, for a call that failed.</summary>
    public string? ErrorMessage { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>A record of one call with <paramref name="promptVersionId"/> made for <paramref name="userId"/>.</summary>
    public static PromptPerformanceRecord Create(
        Guid userId, Guid promptVersionId, int tokenCount, int latencyMs, bool succeeded, DateTimeOffset occurredAt,
        double? qualityScore = null, string? errorMessage = null, Guid? id = null)
    {
        if (tokenCount < 0)
        {
            throw new DomainException("token_count.negative", $"token_count must not be negative (got {tokenCount}).");
        }

        if (latencyMs < 0)
        {
            throw new DomainException("latency_ms.negative", $"latency_ms must not be negative (got {latencyMs}).");
        }

        if (qualityScore is { } score && !(score >= PromptLimits.MinQualityScore && score <= PromptLimits.MaxQualityScore))
        {
            throw new DomainException(
                "quality_score.out_of_range",
                $"quality_score must be between {PromptLimits.MinQualityScore} and {PromptLimits.MaxQualityScore} (got {score}).");
        }

        var error = Guard.OptionalText(errorMessage, "error_message", PromptLimits.ErrorMessageMaxLength);
        if (succeeded && error is not null)
        {
            throw new DomainException("error_message.on_success", "error_message is only for a call that failed.");
        }

        return new PromptPerformanceRecord
        {
            Id = id ?? Guid.CreateVersion7(occurredAt),
            UserId = Guard.NotEmpty(userId, "user_id"),
            PromptVersionId = Guard.NotEmpty(promptVersionId, "prompt_version_id"),
            TokenCount = tokenCount,
            LatencyMs = latencyMs,
            Succeeded = succeeded,
            QualityScore = qualityScore,
            ErrorMessage = error,
            OccurredAt = occurredAt,
        };
    }
}
