using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>The counters of a scan as it runs, for the history row and live progress.</summary>
public sealed record ScanProgress(int MailboxId, int RunId, ScanRunStatus Status, int Fetched, int Stored, int Bound, int TicketsOpened, int TicketsCreated, int Skipped, int Failed, string? FirstError)
{
    public int Duplicates { get; init; }

    public int NotStored { get; init; }
}

/// <summary>
/// What a run did, counted once its writes committed. Every fetched message has exactly one outcome, so
/// <see cref="Fetched"/> = stored + duplicates + not stored + skipped + failed (quarantined) at any moment.
/// </summary>
internal sealed class ScanCounters
{
    public int Fetched { get; private set; }
    public int Stored { get; private set; }
    public int Duplicates { get; private set; }
    public int NotStored { get; private set; }
    public int Bound { get; private set; }
    public int TicketsOpened { get; private set; }
    public int TicketsCreated { get; private set; }
    public int Skipped { get; private set; }
    public int Failed { get; private set; }
    /// <summary>Encoded with <see cref="ScanNotes"/> where the scanner wrote it.</summary>
    public string? FirstError { get; private set; }

    public void Error(string note) => FirstError ??= note;

    public void Add(MessageOutcome outcome)
    {
        Fetched++;
        switch (outcome.Kind)
        {
            case ScanOutcomeKind.Stored: Stored++; break;
            case ScanOutcomeKind.Duplicate: Duplicates++; break;
            case ScanOutcomeKind.NotStored: NotStored++; break;
            case ScanOutcomeKind.Skipped: Skipped++; break;
            case ScanOutcomeKind.Quarantined:
                Failed++;
                Error(outcome.Reason ?? "");
                break;
        }

        Bound += outcome.Bound ? 1 : 0;
        TicketsOpened += outcome.TicketOpened ? 1 : 0;
        TicketsCreated += outcome.TicketCreated ? 1 : 0;
    }

    public ScanProgress ToProgress(int mailboxId, int runId, ScanRunStatus status) =>
        new(mailboxId, runId, status, Fetched, Stored, Bound, TicketsOpened, TicketsCreated, Skipped, Failed, FirstError)
        {
            Duplicates = Duplicates,
            NotStored = NotStored,
        };

    public void CopyTo(ScanRun row)
    {
        row.Fetched = Fetched;
        row.Stored = Stored;
        row.Duplicates = Duplicates;
        row.NotStored = NotStored;
        row.Bound = Bound;
        row.TicketsOpened = TicketsOpened;
        row.TicketsCreated = TicketsCreated;
        row.Skipped = Skipped;
        row.Failed = Failed;
        row.FirstError = FirstError is { Length: > 2000 } text ? text[..2000] : FirstError;
    }
}

/// <summary>
/// What applying one message did, counted and made visible only once its transaction committed; Remember carries
/// what later messages of the batch must see (a ticket created or moved by this one).
/// </summary>
internal sealed record MessageOutcome(ScanOutcomeKind Kind, int? EmailId = null, string? Reason = null)
{
    public bool Bound { get; init; }
    public bool TicketOpened { get; init; }
    public bool TicketCreated { get; init; }
    public Action<BatchRecordLookup>? Remember { get; init; }
    public IReadOnlyList<Records.RecordChange> Changes { get; init; } = [];
}
