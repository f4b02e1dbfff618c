namespace Domain.Conversations;

/// <summary>Who wrote a message; a PostgreSQL enum (<c>message_role</c>).</summary>
public enum MessageRole
{
    System,
    User,
    Assistant,
    Tool,
}
