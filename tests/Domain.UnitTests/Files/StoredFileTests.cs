using Domain.Common;
using Domain.Conversations;
using Domain.Files;

namespace Domain.UnitTests.Files;

public sealed class StoredFileTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Owner = Guid.CreateVersion7();
    private const string Digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    internal static FileDetails Details(
        string path = "user-files/alice/report.pdf", string mime = "application/pdf", long size = 1_234, string sha = Digest, FileType? type = null)
        => new(path, "report.pdf", mime, size, sha, type);

    [Fact]
    public void Register_KeepsTheDescription_Normalised_AsUploaded()
    {
        var file = StoredFile.Register(Owner, Details(mime: "Application/PDF", sha: Digest.ToUpperInvariant()), Now);

        Assert.Equal((Owner, "application/pdf", Digest, FileType.Document, FileStatus.Uploaded), (file.UserId, file.MimeType, file.Sha256, file.FileType, file.Status));
        Assert.Equal(("{}", false, 0L), (file.Metadata, file.IsCopy, file.AccessCount));
        Assert.True(file.IsAvailable);
    }

    [Theory]
    [InlineData("image/png", FileType.Image)]
    [InlineData("text/csv", FileType.Data)]
    [InlineData("application/vnd.openxmlformats-officedocument.wordprocessingml.document", FileType.Document)]
    [InlineData("application/zip", FileType.Archive)]
    [InlineData("text/x-python", FileType.Code)]
    [InlineData("application/octet-stream", FileType.Other)]
    public void Register_DerivesTheTypeFromTheMimeType_UnlessGiven(string mime, FileType expected)
    {
        Assert.Equal(expected, StoredFile.Register(Owner, Details(mime: mime), Now).FileType);
        Assert.Equal(FileType.Data, StoredFile.Register(Owner, Details(mime: mime, type: FileType.Data), Now).FileType);
    }

    [Theory]
    [InlineData(FileLimits.MaxSizeBytes + 1, "at most 52428800 bytes (50 MiB); got 52428801, 1 too many")]
    [InlineData(-1, "must not be negative")]
    public void Register_RefusesASizeOutsideTheLimit(long size, string message)
    {
        var ex = Assert.Throws<DomainException>(() => StoredFile.Register(Owner, Details(size: size), Now));

        Assert.Equal("size_bytes.invalid", ex.Code);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_AcceptsExactly50MiB()
    {
        Assert.Equal(FileLimits.MaxSizeBytes, StoredFile.Register(Owner, Details(size: 50 * 1024 * 1024), Now).SizeBytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a088")]
    [InlineData("zf86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n")]
    public void Register_RefusesAMalformedSha256(string sha)
    {
        Assert.Equal("sha256.invalid", Assert.Throws<DomainException>(() => StoredFile.Register(Owner, Details(sha: sha), Now)).Code);
    }

    [Theory]
    [InlineData("/absolute/path")]
    [InlineData("user-files//double")]
    [InlineData("user-files/../escape")]
    [InlineData("user-files/./here")]
    [InlineData("back\\slash")]
    [InlineData("trailing/")]
    [InlineData("control\u0001char")]
    public void Register_RefusesAStoragePathThatIsNotPlainSegments(string path)
    {
        Assert.Equal("storage_path.invalid", Assert.Throws<DomainException>(() => StoredFile.Register(Owner, Details(path: path), Now)).Code);
    }

    [Theory]
    [InlineData("pdf")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("text/")]
    [InlineData("application/pdf/x")]
    public void Register_RefusesAMalformedMimeType(string mime)
    {
        Assert.Equal("mime_type.invalid", Assert.Throws<DomainException>(() => StoredFile.Register(Owner, Details(mime: mime), Now)).Code);
    }

    [Fact]
    public void Status_MovesOnlyForward_UploadedReadyDeleting()
    {
        var file = StoredFile.Register(Owner, Details(), Now);

        file.MarkReady();
        Assert.Equal(FileStatus.Ready, file.Status);
        Assert.Equal("file.status_transition", Assert.Throws<DomainException>(file.MarkReady).Code);

        Assert.True(file.RequestDeletion());
        Assert.Equal(FileStatus.Deleting, file.Status);
        Assert.False(file.RequestDeletion());
        Assert.False(file.IsAvailable);
        Assert.Equal("file.status_transition", Assert.Throws<DomainException>(file.MarkReady).Code);
    }

    [Theory]
    [InlineData(FileStatus.Uploaded)]
    [InlineData(FileStatus.Deleted)]
    public void ChangeStatus_ToUploadedOrDeleted_IsRefused(FileStatus target)
    {
        var file = StoredFile.Register(Owner, Details(), Now);
        file.MarkReady();

        Assert.Equal("file.status_transition", Assert.Throws<DomainException>(() => file.ChangeStatus(target)).Code);
        Assert.Equal(FileStatus.Ready, file.Status);
    }

    [Fact]
    public void ChangeStatus_ToAnUndefinedStatus_IsRefused()
    {
        var file = StoredFile.Register(Owner, Details(), Now);

        Assert.Equal("status.invalid", Assert.Throws<DomainException>(() => file.ChangeStatus((FileStatus)42)).Code);
    }

    [Fact]
    public void ChangeStatus_ToReadyOrDeleting_ActsAsTheNamedMethods_AndTheSameStatusChangesNothing()
    {
        var file = StoredFile.Register(Owner, Details(), Now);

        file.ChangeStatus(FileStatus.Uploaded);
        file.ChangeStatus(FileStatus.Ready);
        file.ChangeStatus(FileStatus.Deleting);

        Assert.Equal(FileStatus.Deleting, file.Status);
    }

    [Fact]
    public void EveryPairOfStatuses_IsAllowedExactlyWhenTheTransitionTableSaysSo()
    {
        var allowed = new[] { ("Uploaded", "Ready"), ("Uploaded", "Deleting"), ("Ready", "Deleting"), ("Deleting", "Deleted") };
        foreach (var from in Enum.GetValues<FileStatus>())
        {
            foreach (var to in Enum.GetValues<FileStatus>())
            {
                Assert.Equal(allowed.Contains((from.ToString(), to.ToString())), FileStatusTransitions.IsAllowed(from, to));
            }
        }
    }

    [Fact]
    public void RecordProviderUpload_LowersTheProvider_ReturnsTheSameCopyTwice_AndGoesDeletingWithTheFile()
    {
        var file = StoredFile.Register(Owner, Details(), Now);

        var first = file.RecordProviderUpload(new ProviderUploadDetails("OpenAI", "file-abc", "assistants", Now.AddDays(1)), Now);
        var again = file.RecordProviderUpload(new ProviderUploadDetails("openai", "file-abc"), Now);
        file.RequestDeletion();

        Assert.Same(first, again);
        Assert.Equal(("openai", file.Id, Owner), (first.Provider, first.FileId, first.UserId));
        Assert.Equal(ProviderUploadStatus.Deleting, Assert.Single(file.ProviderUploads).Status);
        Assert.Equal("file.deleting", Assert.Throws<DomainException>(
            () => file.RecordProviderUpload(new ProviderUploadDetails("kimi", "k-1"), Now)).Code);
    }

    [Fact]
    public void RecordProviderUpload_RefusesAnExpiryInThePast()
    {
        var file = StoredFile.Register(Owner, Details(), Now);

        Assert.Equal("expires_at.past", Assert.Throws<DomainException>(
            () => file.RecordProviderUpload(new ProviderUploadDetails("kimi", "k-1", expiresAt: Now), Now)).Code);
        Assert.Empty(file.ProviderUploads);
    }

    [Fact]
    public void AttachFile_OnlyTheSameUsersAvailableFile_Once()
    {
        var conversation = Conversation.Create(Owner, "chat", Now);
        var file = StoredFile.Register(Owner, Details(), Now);
        var someoneElses = StoredFile.Register(Guid.CreateVersion7(), Details(path: "user-files/bob/x.pdf"), Now);

        var attached = conversation.AttachFile(file, Now);
        Assert.Same(attached, conversation.AttachFile(file, Now));
        Assert.Equal((conversation.Id, file.Id, Owner), (attached.ConversationId, attached.FileId, attached.UserId));
        Assert.Equal("file.other_user", Assert.Throws<DomainException>(() => conversation.AttachFile(someoneElses, Now)).Code);

        var deleting = StoredFile.Register(Owner, Details(path: "user-files/alice/old.pdf"), Now);
        deleting.RequestDeletion();
        Assert.Equal("file.deleting", Assert.Throws<DomainException>(() => conversation.AttachFile(deleting, Now)).Code);

        Assert.True(conversation.DetachFile(file.Id));
        Assert.False(conversation.DetachFile(file.Id));
        Assert.Empty(conversation.Files);
    }

    [Fact]
    public void AttachFile_ToAnArchivedConversation_IsRefused()
    {
        var conversation = Conversation.Create(Owner, "chat", Now);
        conversation.Archive(Now);

        Assert.Equal("conversation.archived", Assert.Throws<DomainException>(
            () => conversation.AttachFile(StoredFile.Register(Owner, Details(), Now), Now)).Code);
    }
}
