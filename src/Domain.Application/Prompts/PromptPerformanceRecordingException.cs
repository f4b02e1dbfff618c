using Domain.Application.Ledgers;
using Domain.Prompts;

namespace Domain.Application.Prompts;

/// <summary>
/// Performance records that <see cref="PromptPerformanceRecorder"/> accepted are not in <c>prompt_performance</c>;
/// what each member means, and when the records are handed back, is said on <see cref="LedgerRecordingException{TRecord}"/>.
/// </summary>
public sealed class PromptPerformanceRecordingException : LedgerRecordingException<PromptPerformanceRecord>
{
    public PromptPerformanceRecordingException(
        long unwrittenCount, string message, Exception? innerException = null, IReadOnlyList<PromptPerformanceRecord>? unwrittenRecords = null)
        : base(unwrittenCount, message, innerException, unwrittenRecords)
    {
    }

    public PromptPerformanceRecordingException()
        : this(0, "Prompt performance records are not written.")
    {
    }

    public PromptPerformanceRecordingException(string message)
        : this(0, message)
    {
    }

    public PromptPerformanceRecordingException(string message, Exception innerException)
        : this(0, message, innerException)
    {
    }
}
