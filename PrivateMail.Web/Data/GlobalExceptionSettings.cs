namespace PrivateMail.Web.Data;

/// <summary>
/// The one row of exceptions an administrator sets for every mailbox (Mail tools → Global exceptions); the scanner
/// merges them with each mailbox's own lists. No row means no global exceptions.
/// </summary>
public sealed class GlobalExceptionSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    /// <summary>Normalised addresses whose mail every mailbox skips.</summary>
    public List<string> EmailExceptions { get; set; } = [];
    /// <summary>Normalised domains whose mail every mailbox skips.</summary>
    public List<string> DomainExceptions { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}
