namespace Domain.Files;

/// <summary>
/// Whether a copy of a file at a model provider still exists; a PostgreSQL enum (<c>provider_upload_status</c>). A
/// copy is <see cref="Active"/> until its file's deletion is requested, <see cref="Deleting"/> while its deletion job
/// runs, and <see cref="Deleted"/> once the job has removed it at the provider.
/// </summary>
public enum ProviderUploadStatus
{
    Active,
    Deleting,
    Deleted,
}
