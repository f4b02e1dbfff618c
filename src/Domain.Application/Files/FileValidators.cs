using System.Text.Json;
using Domain.Application.Common;
using Domain.Files;
using FluentValidation;

namespace Domain.Application.Files;

public sealed class RegisterFileRequestValidator : AbstractValidator<RegisterFileRequest>
{
    public RegisterFileRequestValidator()
    {
        RuleFor(r => r.StoragePath).NotEmpty().Must(path => path is null || FileRules.StoragePathProblem(path) is null)
            .WithMessage((_, path) => $"'Storage Path' {FileRules.StoragePathProblem(path ?? string.Empty)}.");
        RuleFor(r => r.OriginalName).NotEmpty().Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("'{PropertyName}' must not be blank.")
            .MaximumLength(FileLimits.OriginalNameMaxLength).StorableText();
        RuleFor(r => r.MimeType).NotEmpty().MaximumLength(FileLimits.MimeTypeMaxLength)
            .Must(mime => mime is null || FileRules.MimeTypeProblem(mime.Trim()) is null)
            .WithMessage((_, mime) => $"'Mime Type' {FileRules.MimeTypeProblem(mime?.Trim() ?? string.Empty)}.");
        RuleFor(r => r.SizeBytes).Must(size => FileRules.SizeProblem(size) is null)
            .WithMessage((_, size) => $"'Size Bytes' {FileRules.SizeProblem(size)}.");
        RuleFor(r => r.Sha256).NotEmpty().Must(sha => sha is null || FileRules.Sha256Problem(sha) is null)
            .WithMessage((_, sha) => $"'Sha256' {FileRules.Sha256Problem(sha ?? string.Empty)}.");
        RuleFor(r => r.FileType).IsInEnum();
        RuleFor(r => r.Metadata).MaximumLength(FileLimits.MetadataMaxLength).StorableJson(JsonValueKind.Object);
    }
}

public sealed class RecordProviderUploadRequestValidator : AbstractValidator<RecordProviderUploadRequest>
{
    public RecordProviderUploadRequestValidator()
    {
        RuleFor(r => r.Provider).NotEmpty().Must(p => !string.IsNullOrWhiteSpace(p)).WithMessage("'{PropertyName}' must not be blank.")
            .MaximumLength(FileLimits.ProviderMaxLength).StorableText();
        RuleFor(r => r.ProviderFileId).NotEmpty().Must(p => !string.IsNullOrWhiteSpace(p)).WithMessage("'{PropertyName}' must not be blank.")
            .MaximumLength(FileLimits.ProviderFileIdMaxLength).StorableText();
        RuleFor(r => r.Purpose).MaximumLength(FileLimits.PurposeMaxLength).StorableText();
    }
}

public sealed class ChangeFileStatusRequestValidator : AbstractValidator<ChangeFileStatusRequest>
{
    public ChangeFileStatusRequestValidator()
    {
        RuleFor(r => r.Status).IsInEnum();
    }
}

public sealed class ReplaceFileMetadataRequestValidator : AbstractValidator<ReplaceFileMetadataRequest>
{
    public ReplaceFileMetadataRequestValidator()
    {
        RuleFor(r => r.Metadata).NotEmpty().MaximumLength(FileLimits.MetadataMaxLength).StorableJson(JsonValueKind.Object);
    }
}

public sealed class ListFilesRequestValidator : AbstractValidator<ListFilesRequest>
{
    public ListFilesRequestValidator()
    {
        RuleFor(r => r.PageSize).InclusiveBetween(1, ListFilesRequest.MaxPageSize);
        RuleFor(r => r.Status).IsInEnum();
        RuleFor(r => r.FileType).IsInEnum();
    }
}

public sealed class FindOrphansRequestValidator : AbstractValidator<FindOrphansRequest>
{
    public FindOrphansRequestValidator()
    {
        RuleFor(r => r.GracePeriod).GreaterThanOrEqualTo(TimeSpan.Zero);
        RuleFor(r => r.Limit).InclusiveBetween(1, FindOrphansRequest.MaxLimit);
    }
}
