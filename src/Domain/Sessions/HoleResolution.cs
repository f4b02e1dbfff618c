using Domain.Common;

namespace Domain.Sessions;

/// <summary>The value chosen for one typed hole of a session's IR, with the confidence in [0, 1] of that choice.</summary>
public sealed class HoleResolution
{
    private HoleResolution()
    {
        HoleId = string.Empty;
        ResolutionValue = string.Empty;
    }

    internal HoleResolution(Guid id, Session session, string holeId, string resolutionValue, double confidence, DateTimeOffset now)
    {
        Id = id;
        SessionId = session.Id;
        UserId = session.UserId;
        HoleId = holeId;
        ResolutionValue = resolutionValue;
        Confidence = confidence;
        CreatedAt = now;
        ResolvedAt = now;
    }

    public Guid Id { get; private set; }

    public Guid SessionId { get; private set; }

    public Guid UserId { get; private set; }

    /// <summary>The typed hole's identifier in the IR; unique within a session.</summary>
    public string HoleId { get; private set; }

    /// <summary>The resolution as JSON.</summary>
    public string ResolutionValue { get; private set; }

    public double Confidence { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset ResolvedAt { get; private set; }

    internal void Revise(string resolutionValue, double confidence, DateTimeOffset now)
    {
        ResolutionValue = resolutionValue;
        Confidence = confidence;
        ResolvedAt = now;
    }

    internal static void EnsureConfidence(double confidence)
    {
        if (double.IsNaN(confidence) || confidence < SessionLimits.MinConfidence || confidence > SessionLimits.MaxConfidence)
        {
            throw new DomainException(
                "confidence.out_of_range",
                $"confidence must be between {SessionLimits.MinConfidence} and {SessionLimits.MaxConfidence} (got {confidence}).");
        }
    }
}
