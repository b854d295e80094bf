using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Binding;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// The domain's synchronous <see cref="IRecordLookup"/> over one batch of messages: every address, domain, ticket number
/// and thread id of the batch is loaded up front in a few indexed queries, then answered from memory — the cost of a
/// batch grows with its messages, not with the number of records. Only records the mailbox owner may see are loaded
/// (<see cref="BindingScope"/>), and accounts never match by a free-mail or company domain (<see cref="DomainBindingRules"/>). The scanner tells it about tickets it creates or
/// moves so later messages of the same batch see them.
/// </summary>
internal sealed class BatchRecordLookup : IRecordLookup
{
    internal sealed record Row(RecordRef Record, string? Email, string? Secondary, string? Domain, string? AccountId);

    private readonly List<Row> _contacts = [];
    private readonly List<Row> _accounts = [];
    private readonly List<Row> _leads = [];
    private readonly List<Row> _users = [];
    private readonly HashSet<string> _userAddresses = new(StringComparer.Ordinal);
    private readonly Dictionary<long, TicketRef> _tickets = [];
    private readonly Dictionary<string, TicketRef> _threads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Field, string Value), List<(int Position, Row Row)>> _index = [];
    private int? _sourcesOf;
    private string _ticketPrefix = RecordNumber.TicketPrefix;

    private BatchRecordLookup()
    {
    }

    /// <summary>Whose records this lookup answers with.</summary>
    public BindingScope Scope { get; private set; } = new("", false);

    /// <summary>The domains an account's website never binds by.</summary>
    public DomainBindingRules Rules { get; private set; } = DomainBindingRules.None;

    /// <summary>
    /// Loads what the batch's messages can match, limited to what the mailbox owner may see (<see cref="BindingScope"/>):
    /// the owner filter and the domain rules are part of each query, so nothing of other owners is ever loaded.
    /// </summary>
    public static async Task<BatchRecordLookup> LoadAsync(
        AppDbContext db, IReadOnlyCollection<MessageSnapshot> messages, IReadOnlySet<string> closing, string ownerId, CancellationToken cancellationToken) =>
        await LoadAsync(db, messages, closing, ownerId, null, cancellationToken);

    /// <summary>
    /// As above, and — for a scan of <paramref name="sourceMailboxId"/> — the tickets already created from the batch's
    /// messages (by mailbox and dedupe key), so the writer need not ask for each message that may open a ticket.
    /// </summary>
    public static async Task<BatchRecordLookup> LoadAsync(
        AppDbContext db, IReadOnlyCollection<MessageSnapshot> messages, IReadOnlySet<string> closing, string ownerId, int? sourceMailboxId, CancellationToken cancellationToken)
    {
        var lookup = await LoadRecordsAsync(db, messages, ownerId, cancellationToken);
        await lookup.LoadTicketsAsync(db, messages, closing, sourceMailboxId, cancellationToken);
        return lookup;
    }

    /// <summary>
    /// The half of <see cref="LoadAsync(AppDbContext, IReadOnlyCollection{MessageSnapshot}, IReadOnlySet{string}, string, int?, CancellationToken)"/>
    /// a scan never changes — users, binding rules, contacts, accounts, leads — so the scanner reads it for the next
    /// batch while the writer is still writing this one. <see cref="LoadTicketsAsync"/> must follow before it is used.
    /// </summary>
    /// <param name="run">The run's users, rules and ticket prefix when read already (<see cref="LoadRunRecordsAsync"/>); read now when null.</param>
    public static async Task<BatchRecordLookup> LoadRecordsAsync(
        AppDbContext db, IReadOnlyCollection<MessageSnapshot> messages, string ownerId, CancellationToken cancellationToken, RunRecords? run = null)
    {
        run ??= await LoadRunRecordsAsync(db, ownerId, cancellationToken);
        var lookup = new BatchRecordLookup
        {
            Scope = run.Scope,
            Rules = run.Rules,
            _ticketPrefix = run.TicketPrefix,
        };
        lookup._users.AddRange(run.Users);
        lookup._userAddresses.UnionWith(run.UserAddresses);
        // Participants is worked out on every read: once per message here.
        var participants = messages.SelectMany(m => m.Participants).ToList();
        var addresses = participants.Select(a => a.Normalised).Distinct().ToList();
        var rules = run.Rules;
        var scope = run.Scope;
        var domains = participants.Select(a => a.Domain).Distinct().Where(d => !rules.Excludes(d)).ToList();

        // Null: the owner sees every owner's records. No address, nothing to ask (the domains are the addresses').
        var owner = scope.OwnerSeesEverything ? null : ownerId;
        if (addresses.Count > 0)
        {
            // Raw statements prepared once per connection (see RecordLookupCommands): through EF every batch's address
            // list made new SQL text, so each batch was translated and prepared again.
            await RecordLookupCommands.UseAsync(db, async commands =>
            {
                foreach (var c in await commands.ContactsAsync(addresses, owner, cancellationToken))
                {
                    lookup._contacts.Add(new Row(
                        new RecordRef(RecordKind.Contact, Key(c.Id), $"{c.FirstName} {c.LastName}".Trim(), c.Id) { Modified = c.ModifiedTicks },
                        c.Email, c.Secondary, null, c.AccountId is { } a ? Key(a) : null));
                }

                foreach (var a in await commands.AccountsAsync(addresses, domains, owner, cancellationToken))
                {
                    lookup._accounts.Add(new Row(new RecordRef(RecordKind.Account, Key(a.Id), a.Name, a.Id) { Modified = a.ModifiedTicks }, a.Email, null, a.Domain, null));
                }

                foreach (var l in await commands.LeadsAsync(addresses, owner, cancellationToken))
                {
                    lookup._leads.Add(new Row(new RecordRef(RecordKind.Lead, Key(l.Id), l.Company, l.Id) { Modified = l.ModifiedTicks }, l.Email, null, null, null));
                }

                return true;
            }, cancellationToken);
        }

        lookup.BuildIndex();
        return lookup;
    }

    /// <summary>
    /// What every batch of a run binds with, whatever its messages: the users (their proven addresses decide
    /// Sent/Internal; the owner's row decides the binding scope), the domain rules and the ticket prefix. A scan reads it
    /// once, at its first batch — as it reads its settings, exceptions and statuses (<see cref="Stages.ScanContext"/>) —
    /// instead of in three of the six queries of every batch.
    /// </summary>
    public static async Task<RunRecords> LoadRunRecordsAsync(AppDbContext db, string ownerId, CancellationToken cancellationToken)
    {
        // Users are few: every user with their mailbox's login and the administrator flag in one query. Their proven
        // addresses decide Sent/Internal; the owner's row decides the binding scope.
        var users = await (
                from u in db.Users.AsNoTracking()
                join m in db.Mailboxes on u.Id equals m.OwnerId into mailboxes
                from m in mailboxes.DefaultIfEmpty()
                select new
                {
                    u.Id, u.ProvenEmail, u.FirstName, u.LastName, u.UserName, u.CreatedAt,
                    Login = m == null ? null : (m.Login == "" ? m.OAuthAccount : m.Login),
                    ProvenLogin = m == null ? null : m.ProvenLogin,
                    IsAdministrator = db.UserRoles.Any(r => r.UserId == u.Id && db.Roles.Any(role => role.Id == r.RoleId && role.Name == Roles.Administrator)),
                })
            .ToListAsync(cancellationToken);
        var owner = users.Find(u => u.Id == ownerId);
        var scope = new BindingScope(ownerId, owner?.IsAdministrator == true);
        var userRows = new List<Row>();
        var userAddresses = new HashSet<string>(StringComparer.Ordinal);
        foreach (var u in users)
        {
            var row = new RecordRef(RecordKind.User, u.Id, OwnerDirectory.DisplayName(u.FirstName, u.LastName, u.UserName), u.CreatedAt.UtcTicks);
            foreach (var address in ProvenAddresses.Of(u.ProvenEmail, u.Login, u.ProvenLogin))
            {
                userAddresses.Add(address);
                if (scope.MayBind(RecordKind.User, u.Id, null))
                {
                    userRows.Add(new Row(row, address, null, null, null));
                }
            }
        }

        var settings = await db.BindingRuleSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Id == BindingRuleSettings.SingletonId, cancellationToken);
        var rules = new DomainBindingRules(
            settings is null ? DomainBindingRules.DefaultFreeMailDomains : settings.FreeMailDomains,
            // By default the domains of the mailbox logins the servers accepted: an unproven login must not switch a customer's domain off.
            settings is { OurDomains.Count: > 0 } ? settings.OurDomains
                : DomainBindingRules.DomainsOf(users.SelectMany(u => ProvenAddresses.Of(null, u.Login, u.ProvenLogin))));
        var ticketPrefix = await db.RecordSequences.Where(s => s.Name == RecordSequence.Tickets).Select(s => s.Prefix).SingleAsync(cancellationToken);
        return new RunRecords(scope, rules, userRows, userAddresses, ticketPrefix);
    }

    /// <summary>A run's users, domain rules and ticket prefix (<see cref="LoadRunRecordsAsync"/>). Read-only once made.</summary>
    internal sealed record RunRecords(BindingScope Scope, DomainBindingRules Rules, IReadOnlyList<Row> Users, IReadOnlySet<string> UserAddresses, string TicketPrefix);

    /// <summary>
    /// Each loaded row by the value each search field matches on: the domain asks per message and per field, and a scan
    /// through every loaded row per question was a fifth of the writer's decisions. Rows keep their load position, so
    /// answers come in the same order as the scan through the lists gave.
    /// </summary>
    private void BuildIndex()
    {
        void Add(string field, List<Row> rows, Func<Row, string?> value)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                if (value(rows[i]) is { } key)
                {
                    (_index.TryGetValue((field, key), out var list) ? list : _index[(field, key)] = []).Add((i, rows[i]));
                }
            }
        }

        Add(SearchFields.ContactEmail.Key, _contacts, r => r.Email);
        Add(SearchFields.ContactSecondaryEmail.Key, _contacts, r => r.Secondary);
        Add(SearchFields.AccountEmail.Key, _accounts, r => r.Email);
        Add(SearchFields.LeadEmail.Key, _leads, r => r.Email);
        Add(SearchFields.UserEmail.Key, _users, r => r.Email);
        Add(SearchFields.AccountDomain.Key, _accounts, r => r.Domain);
    }

    private List<(int Position, Row Row)> Matching(string field, IEnumerable<string> values, Func<(int Position, Row Row), bool>? keep = null)
    {
        var hits = new List<(int Position, Row Row)>();
        foreach (var value in values)
        {
            if (_index.TryGetValue((field, value), out var rows))
            {
                foreach (var row in rows)
                {
                    if (keep is null || keep(row))
                    {
                        hits.Add(row);
                    }
                }
            }
        }

        return hits;
    }

    /// <summary>The hits' records, each row once, by record order. Most values find nothing or one row (no sorting to do).</summary>
    private static IReadOnlyList<RecordRef> Ordered(List<(int Position, Row Row)> hits)
    {
        if (hits.Count < 2)
        {
            return hits.Count == 0 ? [] : [hits[0].Row.Record];
        }

        EachOnceByOrder(hits);
        var records = new List<RecordRef>(hits.Count);
        foreach (var (_, row) in hits)
        {
            records.Add(row.Record);
        }

        return records;
    }

    /// <summary>
    /// Sorts the hits by record order, then position, and keeps each row (position) once: a total order, so a plain sort
    /// does what LINQ's DistinctBy/OrderBy/ThenBy did, without their iterators (asked for every message).
    /// </summary>
    private static void EachOnceByOrder(List<(int Position, Row Row)> hits)
    {
        hits.Sort(static (a, b) => a.Row.Record.Order != b.Row.Record.Order ? a.Row.Record.Order.CompareTo(b.Row.Record.Order) : a.Position.CompareTo(b.Position));
        var kept = 0;
        for (var i = 0; i < hits.Count; i++)
        {
            if (kept == 0 || hits[kept - 1].Position != hits[i].Position)
            {
                hits[kept++] = hits[i];
            }
        }

        hits.RemoveRange(kept, hits.Count - kept);
    }

    /// <summary>
    /// The half the scan's own writes change — tickets named in subjects and their statuses, threads, tickets created
    /// from the batch's messages — read by the writer once everything before the batch is committed.
    /// </summary>
    public async Task LoadTicketsAsync(
        AppDbContext db, IReadOnlyCollection<MessageSnapshot> messages, IReadOnlySet<string> closing, int? sourceMailboxId, CancellationToken cancellationToken)
    {
        var lookup = this;
        // Null: the owner sees every owner's tickets.
        var owner = Scope.OwnerSeesEverything ? null : Scope.OwnerId;
        var numbers = messages.SelectMany(m => RecordNumber.FindInSubject(m.Subject, RecordNumber.TicketPrefix))
            .Where(n => string.Equals(n.Prefix, lookup._ticketPrefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => n.Sequence).Distinct().ToList();
        var threadIds = messages.SelectMany(m => m.References.Append(m.InReplyTo)).OfType<string>().Where(i => i.Length > 0).Distinct().ToList();
        if (numbers.Count == 0 && threadIds.Count == 0 && sourceMailboxId is null)
        {
            return;
        }

        // Raw statements prepared once per connection (see TicketLookupCommands): EF's query pipeline cost more than the
        // few rows these return, for every batch the writer reads.
        await TicketLookupCommands.UseAsync(db, async commands =>
        {
            if (numbers.Count > 0)
            {
                foreach (var (id, sequence, status) in await commands.TicketsByNumberAsync(numbers, owner, cancellationToken))
                {
                    lookup._tickets[sequence] = new TicketRef(Key(id), new RecordNumber(lookup._ticketPrefix, sequence), status, closing.Contains(status));
                }
            }

            if (threadIds.Count > 0)
            {
                // In the e-mails' date order: a later e-mail's link wins.
                foreach (var (messageId, id, sequence, status) in await commands.TicketsByThreadAsync(threadIds, owner, cancellationToken))
                {
                    lookup._threads[messageId] = new TicketRef(Key(id), new RecordNumber(lookup._ticketPrefix, sequence), status, closing.Contains(status));
                }
            }

            if (sourceMailboxId is { } mailboxId)
            {
                var keys = messages.Select(MessageIdentity.DedupKey).Distinct().ToList();
                if (keys.Count > 0)
                {
                    foreach (var (key, id) in await commands.TicketsFromSourcesAsync(mailboxId, keys, cancellationToken))
                    {
                        lookup._sources[key] = id;
                    }
                }

                lookup._sourcesOf = mailboxId;
            }
        }, cancellationToken);
    }

    /// <summary>The ticket created earlier from the message with this key in this mailbox, asked of the database.</summary>
    internal static Task<int?> FindTicketFromSourceAsync(AppDbContext db, int mailboxId, string key, CancellationToken cancellationToken) =>
        TicketLookupCommands.UseAsync(db, commands => commands.TicketFromSourceAsync(mailboxId, key, cancellationToken), cancellationToken);

    /// <summary>
    /// The ticket created earlier from the message with this key in this mailbox; false when this lookup was not loaded
    /// with the mailbox's sources (the caller asks the database).
    /// </summary>
    public bool TryFindTicketFromSource(int mailboxId, string key, out int? ticketId)
    {
        ticketId = _sources.TryGetValue(key, out var id) ? id : null;
        return _sourcesOf == mailboxId;
    }

    /// <summary>A ticket this batch created from a message: the same message seen again later in the batch must not create another.</summary>
    public void RememberSource(string key, int ticketId) => _sources[key] = ticketId;

    public IReadOnlyList<RecordRef> FindByEmail(SearchField field, IReadOnlyCollection<string> addresses) =>
        field.Key == SearchFields.ContactEmail.Key || field.Key == SearchFields.ContactSecondaryEmail.Key || field.Key == SearchFields.AccountEmail.Key
            || field.Key == SearchFields.LeadEmail.Key || field.Key == SearchFields.UserEmail.Key
            ? Ordered(Matching(field.Key, addresses))
            : [];

    public IReadOnlyList<RecordRef> FindByDomain(SearchField field, IReadOnlyCollection<string> domains) =>
        field.Key == SearchFields.AccountDomain.Key
            ? Ordered(Matching(field.Key, domains, h => !Rules.Excludes(h.Row.Domain!)))
            : [];

    public TicketRef? FindTicket(RecordNumber number) =>
        string.Equals(number.Prefix, _ticketPrefix, StringComparison.OrdinalIgnoreCase) && _tickets.TryGetValue(number.Sequence, out var t) ? t : null;

    /// <summary>The ticket of the last message id that has one.</summary>
    public TicketRef? FindTicketByThread(IReadOnlyCollection<string> messageIds)
    {
        TicketRef? last = null;
        foreach (var id in messageIds)
        {
            if (_threads.TryGetValue(id, out var ticket) && ticket is not null)
            {
                last = ticket;
            }
        }

        return last;
    }

    public IReadOnlyList<ContactRef> FindContacts(string address)
    {
        var hits = Matching(SearchFields.ContactEmail.Key, [address]);
        hits.AddRange(Matching(SearchFields.ContactSecondaryEmail.Key, [address]));
        EachOnceByOrder(hits);
        var contacts = new List<ContactRef>(hits.Count);
        foreach (var (_, row) in hits)
        {
            contacts.Add(new ContactRef(row.Record, row.AccountId));
        }

        return contacts;
    }

    public bool IsUserAddress(string address) => _userAddresses.Contains(address);

    /// <summary>A ticket this batch created or linked a message to: later replies in the batch find it by thread.</summary>
    public void RememberThread(string messageId, TicketRef ticket) => _threads[messageId] = ticket;

    /// <summary>A ticket this batch created: a later message naming its number ("[T42]") in the subject answers it.</summary>
    public void RememberTicket(TicketRef ticket)
    {
        if (string.Equals(ticket.Number.Prefix, _ticketPrefix, StringComparison.OrdinalIgnoreCase))
        {
            _tickets[ticket.Number.Sequence] = ticket;
        }
    }

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
