using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Tickets;

namespace PrivateMail.Web.Features.Scanner.Stages;

/// <summary>What every decision of a run needs: the mailbox's settings, global exceptions and the ticket statuses.</summary>
internal sealed record ScanContext(ScannerSettings Settings, GlobalExceptions Global, TicketStatusMapping Statuses, IReadOnlySet<string> Closing, Dictionary<string, int> StatusIds);

/// <summary>
/// Stage 3: the domain decides. Per batch, the records its messages may bind to are read in a few indexed queries
/// (<see cref="BatchRecordLookup"/>); per message, <see cref="MailScanner.Decide"/>. It runs in the writer's order,
/// because each decision must see what the messages before it did (a ticket created, a status changed).
/// </summary>
internal sealed class DecideStage(ScanContext context, int? mailboxId = null)
{
    public ScanContext Context => context;

    public Task<BatchRecordLookup> LookupAsync(AppDbContext db, IEnumerable<ParsedMail> batch, CancellationToken cancellationToken) =>
        BatchRecordLookup.LoadAsync(db, batch.Where(p => p.Problem is null).Select(p => p.Snapshot).OfType<MessageSnapshot>().ToList(), context.Closing, context.Settings.OwnerId, mailboxId, cancellationToken);

    /// <param name="explainMatches">Name the address behind each match (the preview shows it; the scan does not need it).</param>
    public ScanDecision Decide(MessageSnapshot snapshot, BatchRecordLookup lookup, bool explainMatches = false) =>
        MailScanner.Decide(snapshot, context.Settings, context.Global, context.Statuses, lookup, explainMatches);

    public static async Task<DecideStage> LoadAsync(IDbContextFactory<AppDbContext> dbFactory, TicketStore tickets, Mailbox mailbox, CancellationToken cancellationToken)
    {
        var statuses = await tickets.GetStatusMappingAsync(cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ids = await db.TicketStatuses.AsNoTracking().ToDictionaryAsync(s => s.Name, s => s.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var global = await GlobalExceptionsService.LoadAsync(db, cancellationToken);
        return new DecideStage(new ScanContext(Settings(mailbox, mailbox.Actions, mailbox.SearchFields), global, statuses, statuses.Closing, ids), mailbox.Id);
    }

    /// <summary>A mailbox's scanner settings with the given actions and search fields, its exceptions normalised.</summary>
    public static ScannerSettings Settings(Mailbox mailbox, ScannerActions actions, IReadOnlyCollection<string> searchFields) => new(
        mailbox.OwnerId,
        actions,
        searchFields,
        mailbox.EmailExceptions.Select(EmailAddress.Normalise).OfType<string>().ToList(),
        mailbox.DomainExceptions.Select(AddressRules.NormaliseDomain).OfType<string>().ToList());
}
