namespace PrivateMail.Web.Data;

/// <summary>A message the scanner could not process; its raw bytes are kept under the data directory for reprocessing.</summary>
public sealed class FailedMessage
{
    public int Id { get; set; }
    public int MailboxId { get; set; }
    public Mailbox? Mailbox { get; set; }
    public string Folder { get; set; } = "";
    public long UidValidity { get; set; }
    public long Uid { get; set; }
    public string Error { get; set; } = "";
    /// <summary>Relative to the data directory, e.g. <c>failed/12/INBOX-…eml</c>; null when nothing could be read.</summary>
    public string? RawPath { get; set; }
    public long Size { get; set; }
    public DateTimeOffset FailedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
}
