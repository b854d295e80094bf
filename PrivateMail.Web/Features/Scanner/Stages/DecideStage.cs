using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Tickets;
using SavedScannerSettings = PrivateMail.Web.Features.Scanner.Settings.ScannerSettingsService;

namespace PrivateMail.Web.Features.Scanner.Stages;

/// <summary>What every decision of a run needs: the mailbox's settings, global exceptions and the ticket statuses.</summary>
internal sealed record ScanContext(ScannerSettings Settings, GlobalExceptions Global, TicketStatusMapping Statuses, IReadOnlySet<string> Closing, Dictionary<string, int> StatusIds);

/// <summary>
/// A parsed batch with the records its messages may bind to read ahead (<see cref="BatchRecordLookup.LoadRecordsAsync"/>)
/// and the stored per-sender ticket counts; the writer completes the lookup with what its own writes change.
/// </summary>
internal sealed record LookedUpBatch(IReadOnlyList<ParsedMail> Items, BatchRecordLookup Lookup, IReadOnlyDictionary<string, int>? SenderCounts);

/// <summary>
/// Stage 3: the domain decides. Per batch, the records its messages may bind to are read in a few indexed queries
/// (<see cref="BatchRecordLookup"/>); per message, <see cref="MailScanner.Decide"/>. It runs in the writer's order,
/// because each decision must see what the messages before it did (a ticket created, a status changed).
/// </summary>
internal sealed class DecideStage(ScanContext context, int? mailboxId = null, SenderTicketCounts? recentTickets = null)
{
    // The run's users, domain rules and ticket prefix: read at the first batch, like the context's settings at the start.
    private BatchRecordLookup.RunRecords? _runRecords;

    public ScanContext Context => context;

    /// <summary>
    /// Reads ahead, on its own connection, what no write of the scan changes (contacts, accounts, leads, users, binding
    /// rules, stored sender counts), so the writer — the pipeline's critical path — only reads the ticket half. Runs on the
    /// parse stage's task after each batch is parsed. A stage of its own was measured and not kept: one more hand-off and
    /// one more batch alive cost more CPU (2 cores) than the overlap won (bench/OPTIMISATION.md, speed round 7).
    /// </summary>
    /// <param name="db">The read-ahead's context (<see cref="ReadAhead"/>), kept with its connection for a whole folder.</param>
    public async Task<LookedUpBatch> ReadAheadAsync(AppDbContext db, IReadOnlyList<ParsedMail> items, CancellationToken cancellationToken)
    {
        var snapshots = Snapshots(items);
        _runRecords ??= await BatchRecordLookup.LoadRunRecordsAsync(db, context.Settings.OwnerId, cancellationToken);
        var records = await BatchRecordLookup.LoadRecordsAsync(db, snapshots, context.Settings.OwnerId, cancellationToken, _runRecords);
        var counts = recentTickets is null ? null : await recentTickets.ReadAsync(db, Senders(snapshots), cancellationToken);
        // What only depends on these records is decided here too, beside the writer: which records each message binds.
        var matched = items.Select(i => i.Problem is null && i.Snapshot is { } snapshot
            ? i with { Matches = MailScanner.Match(snapshot, context.Settings, records) }
            : i).ToList();
        return new LookedUpBatch(matched, records, counts);
    }

    /// <summary>The read-ahead of one parse stage (<see cref="RecordReadAhead"/>), its context opened at the first batch.</summary>
    public RecordReadAhead ReadAhead(IDbContextFactory<AppDbContext> dbFactory) => new(this, dbFactory);

    /// <summary>The writer's half of the lookup, read once everything before the batch is committed.</summary>
    public async Task<BatchRecordLookup> CompleteAsync(AppDbContext db, LookedUpBatch batch, CancellationToken cancellationToken)
    {
        if (batch.SenderCounts is { } counts)
        {
            recentTickets?.Seed(counts);
        }

        await batch.Lookup.LoadTicketsAsync(db, Snapshots(batch.Items), context.Closing, mailboxId, cancellationToken);
        return batch.Lookup;
    }

    private static List<MessageSnapshot> Snapshots(IEnumerable<ParsedMail> batch) =>
        batch.Where(p => p.Problem is null).Select(p => p.Snapshot).OfType<MessageSnapshot>().ToList();

    private static IEnumerable<string> Senders(IEnumerable<MessageSnapshot> snapshots) => snapshots.Select(s => s.From?.Normalised).OfType<string>();

    /// <summary>The whole lookup at once (the preview, reprocessing one message).</summary>
    public async Task<BatchRecordLookup> LookupAsync(AppDbContext db, IEnumerable<ParsedMail> batch, CancellationToken cancellationToken)
    {
        var snapshots = batch.Where(p => p.Problem is null).Select(p => p.Snapshot).OfType<MessageSnapshot>().ToList();
        if (recentTickets is not null)
        {
            await recentTickets.LoadAsync(db, snapshots.Select(s => s.From?.Normalised).OfType<string>(), cancellationToken);
        }

        return await BatchRecordLookup.LoadAsync(db, snapshots, context.Closing, context.Settings.OwnerId, mailboxId, cancellationToken);
    }

    /// <param name="explainMatches">Name the address behind each match (the preview shows it; the scan does not need it).</param>
    /// <param name="matches">What <see cref="ReadAheadAsync"/> already worked out for the message (same records).</param>
    public ScanDecision Decide(MessageSnapshot snapshot, BatchRecordLookup lookup, bool explainMatches = false, RecordMatches? matches = null) =>
        MailScanner.Decide(snapshot, context.Settings, context.Global, context.Statuses, lookup, explainMatches, recentTickets, matches);

    /// <summary>
    /// A ticket was created (or, in the preview, would be) from this message: the per-sender cap counts it for the
    /// decisions after it. Called where the ticket is really made, so a copy seen again (which creates none) is not counted.
    /// </summary>
    public void TicketCreated(MessageSnapshot snapshot)
    {
        if (snapshot.From is { } sender)
        {
            recentTickets?.Created(sender.Normalised);
        }
    }

    /// <param name="scanner">The run's effective scanner settings (ticket cap, ambiguity policy); when null, the saved row or the built-in defaults.</param>
    public static async Task<DecideStage> LoadAsync(
        IDbContextFactory<AppDbContext> dbFactory, TicketStore tickets, Mailbox mailbox, CancellationToken cancellationToken, ScannerOptions? scanner = null, TimeProvider? time = null)
    {
        var statuses = await tickets.GetStatusMappingAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = await db.TicketStatuses.AsNoTracking().ToDictionaryAsync(s => s.Name, s => s.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var global = await GlobalExceptionsService.LoadAsync(db, cancellationToken);
        scanner ??= await SavedScannerSettings.LoadRowAsync(db, cancellationToken) is { } row
            ? SavedScannerSettings.Overlay(new ScannerOptions(), row) : new ScannerOptions();
        var settings = Settings(mailbox, mailbox.Actions, mailbox.SearchFields) with
        {
            TicketCapPerHour = scanner.TicketCapPerSenderPerHour,
            Ambiguity = scanner.AmbiguityPolicy,
        };
        var counts = new SenderTicketCounts(mailbox.OwnerId, (time ?? TimeProvider.System).GetUtcNow() - TimeSpan.FromHours(1));
        return new DecideStage(new ScanContext(settings, global, statuses, statuses.Closing, ids), mailbox.Id, counts);
    }

    /// <summary>A mailbox's scanner settings with the given actions and search fields, its exceptions normalised.</summary>
    public static ScannerSettings Settings(Mailbox mailbox, ScannerActions actions, IReadOnlyCollection<string> searchFields) => new(
        mailbox.OwnerId,
        actions,
        searchFields,
        mailbox.EmailExceptions.Select(EmailAddress.Normalise).OfType<string>().ToList(),
        mailbox.DomainExceptions.Select(AddressRules.NormaliseDomain).OfType<string>().ToList());
}

/// <summary>
/// The decide stage's read-ahead (<see cref="DecideStage.ReadAheadAsync"/>) for one parse stage: one context and its
/// open connection for all of the folder's batches, as the writer keeps its own, instead of a context, a connection
/// set-up and freshly prepared statements per batch. Between batches it holds no transaction — each statement reads on
/// its own — so it never holds back SQLite's WAL checkpoints. Disposed when the parse stage ends, however it ends.
/// </summary>
internal sealed class RecordReadAhead(DecideStage decide, IDbContextFactory<AppDbContext> dbFactory) : IAsyncDisposable
{
    private AppDbContext? _db;

    /// <summary>The connection read on while the stage runs; null before the first batch and once disposed (for tests).</summary>
    internal System.Data.Common.DbConnection? Connection => _db?.Database.GetDbConnection();

    public async Task<LookedUpBatch> ReadAsync(IReadOnlyList<ParsedMail> items, CancellationToken cancellationToken) =>
        await decide.ReadAheadAsync(_db ?? await OpenAsync(cancellationToken), items, cancellationToken);

    private async Task<AppDbContext> OpenAsync(CancellationToken cancellationToken)
    {
        var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        try
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }

        return _db = db;
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is { } db)
        {
            _db = null;
            await db.DisposeAsync();
        }
    }
}
