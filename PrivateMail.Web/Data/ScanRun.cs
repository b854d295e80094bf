namespace PrivateMail.Web.Data;

public enum ScanRunStatus
{
    Running = 0,
    Done = 1,
    Stopped = 2,
    Error = 3,
}

/// <summary>One scan of one mailbox: the history row shown on the Mailbox tab and to administrators.</summary>
public sealed class ScanRun
{
    public int Id { get; set; }
    public int MailboxId { get; set; }
    public Mailbox? Mailbox { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public ScanRunStatus Status { get; set; }
    /// <summary>The user who pressed Scan now; null for the schedule.</summary>
    public string? StartedById { get; set; }
    public int Fetched { get; set; }
    public int Stored { get; set; }
    public int Bound { get; set; }
    public int TicketsOpened { get; set; }
    public int TicketsCreated { get; set; }
    public int Skipped { get; set; }
    public int Failed { get; set; }
    public string? FirstError { get; set; }
}
