namespace PrivateMail.Web.Data;

/// <summary>How far the scanner has read one folder: every UID up to <see cref="LastUid"/> under <see cref="UidValidity"/> is done.</summary>
public sealed class FolderCursor
{
    public int Id { get; set; }
    public int MailboxId { get; set; }
    public Mailbox? Mailbox { get; set; }
    public string Folder { get; set; } = "";
    public long UidValidity { get; set; }
    public long LastUid { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
