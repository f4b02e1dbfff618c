namespace Domain.Application.Ledgers;

/// <summary>Where a background recorder is in its life.</summary>
public enum RecorderState
{
    /// <summary>Accepting records, but nothing writes them until it is started.</summary>
    NotStarted,

    /// <summary>The background writer runs.</summary>
    Running,

    /// <summary>A stop is writing what is queued; no record is accepted.</summary>
    Stopping,

    /// <summary>Stopped, or its writer ended; no record is accepted or written.</summary>
    Stopped,
}

/// <summary>A recorder's health at one moment, for health checks and dashboards.</summary>
/// <param name="State">Where the recorder is in its life.</param>
/// <param name="Unwritten">Records accepted and not yet committed (queued, or in the batch being written).</param>
/// <param name="LastFailure">The failure of the last write attempt; null once a later attempt committed.</param>
public sealed record RecorderStatus(RecorderState State, long Unwritten, Exception? LastFailure);
