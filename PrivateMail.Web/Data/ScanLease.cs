namespace PrivateMail.Web.Data;

/// <summary>
/// Which app node scans and IDLE-watches a mailbox, until when (PostgreSQL with several nodes; unused with SQLite). The
/// holder renews it while it lives; once <see cref="ExpiresAt"/> has passed any node may take it.
/// </summary>
public sealed class ScanLease
{
    public int MailboxId { get; set; }
    public string NodeId { get; set; } = "";
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>An app node's heartbeat: the nodes seen within one lease time are the live ones the mailboxes are shared by.</summary>
public sealed class AppNode
{
    public string NodeId { get; set; } = "";
    public string? Host { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset SeenAt { get; set; }
}
