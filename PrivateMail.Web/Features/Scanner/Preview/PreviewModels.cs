using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Features.Scanner.Preview;

/// <summary>Where and as whom the preview reads: the form's server and credentials, or why it cannot.</summary>
/// <param name="MailboxId">The owner's saved mailbox: what it stored already counts as stored. Null before the first save.</param>
public sealed record PreviewTarget(ImapEndpoint? Endpoint, ImapCredentials? Credentials, string OwnerId, int? MailboxId, string? Error);

/// <summary>What the scanner would do with one message, in the same terms as a scan's outcome.</summary>
/// <param name="Problem">Why it would be quarantined (a <see cref="ScanNotes"/> value), when <see cref="Outcome"/> says so.</param>
public sealed record PreviewRow(
    string Folder,
    uint Uid,
    DateTimeOffset? Date,
    string Sender,
    string Subject,
    ScanOutcomeKind Outcome,
    ScanDecision? Decision,
    string? Problem)
{
    public bool Bound { get; init; }
    /// <summary>Names of the records the e-mail would be linked to.</summary>
    public IReadOnlyList<string> BoundTo { get; init; } = [];
    /// <summary>The ticket whose status a reply would change (answer or reopen), as its number.</summary>
    public string? TicketOpened { get; init; }
    public bool TicketReopened { get; init; }
    /// <summary>The number the new ticket would most likely get.</summary>
    public string? TicketCreated { get; init; }
    /// <summary>The message as the rules read it, for the rule tester (its text body cut short); null when unreadable.</summary>
    public MessageSnapshot? Snapshot { get; init; }
}

/// <summary>How far the preview is: listed messages, then read, then decided.</summary>
public sealed record PreviewProgress(int Total, int Read, int Decided);

/// <summary>The preview's table with its totals, or the error that stopped it (rows before it stay).</summary>
public sealed record PreviewResult(IReadOnlyList<PreviewRow> Rows, string? Error, bool Stopped)
{
    public int WouldStore => Rows.Count(r => r.Outcome == ScanOutcomeKind.Stored);
    public int WouldBind => Rows.Count(r => r.Bound);
    public int WouldCreateTickets => Rows.Count(r => r.TicketCreated is not null);
    public int WouldAnswer => Rows.Count(r => r.TicketOpened is not null && !r.TicketReopened);
    public int WouldReopen => Rows.Count(r => r.TicketOpened is not null && r.TicketReopened);
    public int WouldSkip => Rows.Count(r => r.Outcome == ScanOutcomeKind.Skipped);
    public int WouldFail => Rows.Count(r => r.Outcome == ScanOutcomeKind.Quarantined);
    public int AlreadyStored => Rows.Count(r => r.Outcome == ScanOutcomeKind.Duplicate);
}
