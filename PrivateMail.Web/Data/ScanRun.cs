namespace PrivateMail.Web.Data;

public enum ScanRunStatus
{
    Running = 0,
    Done = 1,
    Stopped = 2,
    Error = 3,
    /// <summary>The process ended while the run was going (a crash or a kill); closed at the next start-up.</summary>
    Interrupted = 4,
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
    /// <summary>The app node that ran it (see <c>PrivateMail:Nodes:NodeId</c>); null until the run ended on it.</summary>
    public string? NodeId { get; set; }
    public int Fetched { get; set; }
    public int Stored { get; set; }
    public int Bound { get; set; }
    public int TicketsOpened { get; set; }
    public int TicketsCreated { get; set; }
    public int Skipped { get; set; }
    /// <summary>Messages quarantined (kept as failed messages).</summary>
    public int Failed { get; set; }
    /// <summary>Messages already stored as an e-mail (seen in another folder, or again).</summary>
    public int Duplicates { get; set; }
    /// <summary>Messages acted on without storing an e-mail (Create e-mail off: a ticket created or answered only).</summary>
    public int NotStored { get; set; }
    /// <summary>Stored, encoded with <see cref="Features.Scanner.ScanNotes"/> so it reads in the viewer's language.</summary>
    public string? FirstError { get; set; }
    public List<ScanOutcome> Outcomes { get; set; } = [];
}

/// <summary>What a run did with one message: exactly one per message it fetched.</summary>
public enum ScanOutcomeKind
{
    Stored = 0,
    Duplicate = 1,
    NotStored = 2,
    Skipped = 3,
    Quarantined = 4,
}

/// <summary>One message of one run and what became of it; kept as long as its run (<c>Scanner:HistoryRetention</c>).</summary>
public sealed class ScanOutcome
{
    public long Id { get; set; }
    public int RunId { get; set; }
    public ScanRun? Run { get; set; }
    public string Folder { get; set; } = "";
    public long Uid { get; set; }
    public ScanOutcomeKind Kind { get; set; }
    /// <summary>The e-mail stored, or the one this message duplicates.</summary>
    public int? EmailId { get; set; }
    /// <summary>A <see cref="Features.Scanner.ScanNotes"/> code with its arguments (skip or quarantine reason, a reused Message-ID).</summary>
    public string? Reason { get; set; }
    public string Subject { get; set; } = "";
}
