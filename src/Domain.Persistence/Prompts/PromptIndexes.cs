namespace Domain.Persistence.Prompts;

/// <summary>
/// Unique indexes of the SystemPrompt aggregate whose violation means something other than bad input, so callers
/// recognise them in the <c>ConstraintName</c> of a <see cref="Errors.UniqueViolationException"/>.
/// </summary>
public static class PromptIndexes
{
    /// <summary>One prompt per tool and provider: a violation means a concurrent writer created it first.</summary>
    public const string ToolAndProvider = "ix_system_prompts_tool_name_provider";

    /// <summary>The same content once per prompt: a violation means that content is already published, as another version.</summary>
    public const string ContentHash = "ix_prompt_versions_prompt_id_content_hash";
}
