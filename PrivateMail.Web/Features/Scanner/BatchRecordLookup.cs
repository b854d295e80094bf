using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Shared;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// The domain's synchronous <see cref="IRecordLookup"/> over one batch of messages: every address, domain, ticket number
/// and thread id of the batch is loaded up front in a few indexed queries, then answered from memory — the cost of a
/// batch grows with its messages, not with the number of records. The scanner tells it about tickets it creates or
/// moves so later messages of the same batch see them.
/// </summary>
internal sealed class BatchRecordLookup : IRecordLookup
{
    private sealed record Row(RecordRef Record, string? Email, string? Secondary, string? Domain, string? AccountId);

    private readonly List<Row> _contacts = [];
    private readonly List<Row> _accounts = [];
    private readonly List<Row> _leads = [];
    private readonly List<Row> _users = [];
    private readonly Dictionary<long, TicketRef> _tickets = [];
    private readonly Dictionary<string, TicketRef> _threads = new(StringComparer.Ordinal);
    private string _ticketPrefix = RecordNumber.TicketPrefix;

    private BatchRecordLookup()
    {
    }

    public static async Task<BatchRecordLookup> LoadAsync(AppDbContext db, IReadOnlyCollection<MessageSnapshot> messages, IReadOnlySet<string> closing, CancellationToken cancellationToken)
    {
        var lookup = new BatchRecordLookup();
        var addresses = messages.SelectMany(m => m.Participants).Select(a => a.Normalised).Distinct().ToList();
        var domains = messages.SelectMany(m => m.Participants).Select(a => a.Domain).Distinct().ToList();

        var contacts = await db.Contacts.AsNoTracking()
            .Where(c => addresses.Contains(c.EmailNormalised!) || addresses.Contains(c.SecondaryEmailNormalised!))
            .Select(c => new { c.Id, c.FirstName, c.LastName, c.EmailNormalised, c.SecondaryEmailNormalised, c.AccountId })
            .ToListAsync(cancellationToken);
        lookup._contacts.AddRange(contacts.Select(c => new Row(
            new RecordRef(RecordKind.Contact, Key(c.Id), $"{c.FirstName} {c.LastName}".Trim(), c.Id),
            c.EmailNormalised, c.SecondaryEmailNormalised, null, c.AccountId is { } a ? Key(a) : null)));

        var accounts = await db.Accounts.AsNoTracking()
            .Where(a => addresses.Contains(a.EmailNormalised!) || domains.Contains(a.Domain!))
            .Select(a => new { a.Id, a.Name, a.EmailNormalised, a.Domain })
            .ToListAsync(cancellationToken);
        lookup._accounts.AddRange(accounts.Select(a => new Row(new RecordRef(RecordKind.Account, Key(a.Id), a.Name, a.Id), a.EmailNormalised, null, a.Domain, null)));

        var leads = await db.Leads.AsNoTracking().Where(l => addresses.Contains(l.EmailNormalised!))
            .Select(l => new { l.Id, l.Company, l.EmailNormalised }).ToListAsync(cancellationToken);
        lookup._leads.AddRange(leads.Select(l => new Row(new RecordRef(RecordKind.Lead, Key(l.Id), l.Company, l.Id), l.EmailNormalised, null, null, null)));

        // Identity keeps its own upper-case form; users are few, so normalise theirs in memory.
        var users = await db.Users.AsNoTracking().Select(u => new { u.Id, u.Email, u.FirstName, u.LastName, u.UserName, u.CreatedAt }).ToListAsync(cancellationToken);
        lookup._users.AddRange(users.Select(u => new Row(
            new RecordRef(RecordKind.User, u.Id, OwnerDirectory.DisplayName(u.FirstName, u.LastName, u.UserName), u.CreatedAt.UtcTicks),
            EmailAddress.Normalise(u.Email), null, null, null)));

        lookup._ticketPrefix = await db.RecordSequences.Where(s => s.Name == RecordSequence.Tickets).Select(s => s.Prefix).SingleAsync(cancellationToken);
        var numbers = messages.SelectMany(m => RecordNumber.FindInSubject(m.Subject, RecordNumber.TicketPrefix))
            .Where(n => string.Equals(n.Prefix, lookup._ticketPrefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => n.Sequence).Distinct().ToList();
        var tickets = await db.Tickets.AsNoTracking().Where(t => numbers.Contains(t.Sequence))
            .Select(t => new { t.Id, t.Sequence, Status = t.Status!.Name }).ToListAsync(cancellationToken);
        foreach (var t in tickets)
        {
            lookup._tickets[t.Sequence] = new TicketRef(Key(t.Id), new RecordNumber(lookup._ticketPrefix, t.Sequence), t.Status, closing.Contains(t.Status));
        }

        var threadIds = messages.SelectMany(m => m.References.Append(m.InReplyTo)).OfType<string>().Where(i => i.Length > 0).Distinct().ToList();
        if (threadIds.Count > 0)
        {
            // From the thread's e-mails (Message-ID index) to their links (primary key): joined the other way round,
            // SQLite walked every ticket link of the database for each batch, so a scan slowed down as mail accumulated.
            var threadEmails = db.Emails.Where(e => threadIds.Contains(e.MessageId!)).Select(e => e.Id);
            var links = await db.EmailLinks.AsNoTracking()
                .Where(l => l.RecordKind == RecordKind.Ticket && threadEmails.Contains(l.EmailId))
                .Select(l => new { MessageId = l.Email!.MessageId!, l.RecordId, l.Email.Date })
                .ToListAsync(cancellationToken);
            var ids = links.Select(l => int.TryParse(l.RecordId, CultureInfo.InvariantCulture, out var id) ? id : 0).Distinct().ToList();
            var linked = await db.Tickets.AsNoTracking().Where(t => ids.Contains(t.Id))
                .Select(t => new { t.Id, t.Sequence, Status = t.Status!.Name }).ToDictionaryAsync(t => Key(t.Id), cancellationToken);
            foreach (var link in links.OrderBy(l => l.Date))
            {
                if (linked.TryGetValue(link.RecordId, out var t))
                {
                    lookup._threads[link.MessageId] = new TicketRef(Key(t.Id), new RecordNumber(lookup._ticketPrefix, t.Sequence), t.Status, closing.Contains(t.Status));
                }
            }
        }

        return lookup;
    }

    public IReadOnlyList<RecordRef> FindByEmail(SearchField field, IReadOnlyCollection<string> addresses)
    {
        var rows = field.Key switch
        {
            var k when k == SearchFields.ContactEmail.Key => _contacts.Where(c => c.Email is { } e && addresses.Contains(e)),
            var k when k == SearchFields.ContactSecondaryEmail.Key => _contacts.Where(c => c.Secondary is { } e && addresses.Contains(e)),
            var k when k == SearchFields.AccountEmail.Key => _accounts.Where(a => a.Email is { } e && addresses.Contains(e)),
            var k when k == SearchFields.LeadEmail.Key => _leads.Where(l => l.Email is { } e && addresses.Contains(e)),
            var k when k == SearchFields.UserEmail.Key => _users.Where(u => u.Email is { } e && addresses.Contains(e)),
            _ => [],
        };
        return rows.Select(r => r.Record).OrderBy(r => r.Order).ToList();
    }

    public IReadOnlyList<RecordRef> FindByDomain(SearchField field, IReadOnlyCollection<string> domains) =>
        field.Key == SearchFields.AccountDomain.Key
            ? _accounts.Where(a => a.Domain is { } d && domains.Contains(d)).Select(a => a.Record).OrderBy(r => r.Order).ToList()
            : [];

    public TicketRef? FindTicket(RecordNumber number) =>
        string.Equals(number.Prefix, _ticketPrefix, StringComparison.OrdinalIgnoreCase) && _tickets.TryGetValue(number.Sequence, out var t) ? t : null;

    public TicketRef? FindTicketByThread(IReadOnlyCollection<string> messageIds) =>
        messageIds.Select(id => _threads.GetValueOrDefault(id)).LastOrDefault(t => t is not null);

    public IReadOnlyList<ContactRef> FindContacts(string address) =>
        _contacts.Where(c => c.Email == address || c.Secondary == address).OrderBy(c => c.Record.Order)
            .Select(c => new ContactRef(c.Record, c.AccountId)).ToList();

    public bool IsUserAddress(string address) => _users.Any(u => u.Email == address);

    /// <summary>A ticket this batch created or linked a message to: later replies in the batch find it by thread.</summary>
    public void RememberThread(string messageId, TicketRef ticket) => _threads[messageId] = ticket;

    /// <summary>A ticket this batch moved: later messages decide on its new status.</summary>
    public void StatusChanged(string ticketId, string status, bool closing)
    {
        foreach (var (sequence, t) in _tickets.Where(p => p.Value.Id == ticketId).ToList())
        {
            _tickets[sequence] = t with { Status = status, StatusIsClosing = closing };
        }

        foreach (var (id, t) in _threads.Where(p => p.Value.Id == ticketId).ToList())
        {
            _threads[id] = t with { Status = status, StatusIsClosing = closing };
        }
    }

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);
}
