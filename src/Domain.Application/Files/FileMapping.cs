using Domain.Files;
using Domain.Persistence.Files;
using Mapster;

namespace Domain.Application.Files;

/// <summary>Mapster configuration from the StoredFile aggregate to its DTOs. A unit test compiles it with every destination member required.</summary>
public sealed class FileMapping : IRegister
{
    public void Register(TypeAdapterConfig config)
    {
        config.NewConfig<StoredFile, FileDto>();
        config.NewConfig<ProviderUpload, ProviderUploadDto>();
        config.NewConfig<AttachedFile, AttachedFileDto>();
        config.NewConfig<FileOrphans, FileOrphansDto>();
    }
}
