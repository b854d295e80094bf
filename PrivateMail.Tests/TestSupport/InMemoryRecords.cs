using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;

namespace PrivateMail.Tests.TestSupport;

/// <summary>A hand-rolled <see cref="IRecordLookup"/> over lists, for table tests of the scanner's rules.</summary>
public sealed class InMemoryRecords : IRecordLookup
{
    private readonly List<(SearchField Field, string Value, RecordRef Record)> _values = [];
    private readonly List<ContactRef> _contacts = [];
    private readonly List<TicketRef> _tickets = [];
    private readonly Dictionary<string, TicketRef> _threads = new(StringComparer.Ordinal);
    private readonly HashSet<string> _users = new(StringComparer.Ordinal);
    private long _order;

    public RecordRef Contact(string id, string email, string? accountId = null, string? secondaryEmail = null, long modified = 0)
    {
        var record = new RecordRef(RecordKind.Contact, id, id, ++_order) { Modified = modified };
        _values.Add((SearchFields.ContactEmail, EmailAddress.Normalise(email)!, record));
        if (secondaryEmail is not null)
        {
            _values.Add((SearchFields.ContactSecondaryEmail, EmailAddress.Normalise(secondaryEmail)!, record));
        }

        _contacts.Add(new ContactRef(record, accountId));
        return record;
    }

    public RecordRef Account(string id, string? email = null, string? domain = null, long modified = 0)
    {
        var record = new RecordRef(RecordKind.Account, id, id, ++_order) { Modified = modified };
        if (email is not null)
        {
            _values.Add((SearchFields.AccountEmail, EmailAddress.Normalise(email)!, record));
        }

        if (domain is not null)
        {
            _values.Add((SearchFields.AccountDomain, AddressRules.NormaliseDomain(domain)!, record));
        }

        return record;
    }

    public RecordRef Lead(string id, string email, long modified = 0)
    {
        var record = new RecordRef(RecordKind.Lead, id, id, ++_order) { Modified = modified };
        _values.Add((SearchFields.LeadEmail, EmailAddress.Normalise(email)!, record));
        return record;
    }

    public RecordRef User(string id, string email)
    {
        var record = new RecordRef(RecordKind.User, id, id, ++_order);
        var normalised = EmailAddress.Normalise(email)!;
        _values.Add((SearchFields.UserEmail, normalised, record));
        _users.Add(normalised);
        return record;
    }

    public TicketRef Ticket(string id, long number, string status, bool closing = false, params string[] threadMessageIds)
    {
        var ticket = new TicketRef(id, new RecordNumber(RecordNumber.TicketPrefix, number), status, closing);
        _tickets.Add(ticket);
        foreach (var messageId in threadMessageIds)
        {
            _threads[messageId] = ticket;
        }

        return ticket;
    }

    public IReadOnlyList<RecordRef> FindByEmail(SearchField field, IReadOnlyCollection<string> addresses) =>
        _values.Where(v => v.Field == field && addresses.Contains(v.Value)).Select(v => v.Record).ToList();

    public IReadOnlyList<RecordRef> FindByDomain(SearchField field, IReadOnlyCollection<string> domains) =>
        _values.Where(v => v.Field == field && domains.Contains(v.Value)).Select(v => v.Record).ToList();

    public TicketRef? FindTicket(RecordNumber number) => _tickets.FirstOrDefault(t => t.Number == number);

    public TicketRef? FindTicketByThread(IReadOnlyCollection<string> messageIds) =>
        messageIds.Select(id => _threads.GetValueOrDefault(id)).FirstOrDefault(t => t is not null);

    public IReadOnlyList<ContactRef> FindContacts(string address) =>
        _contacts.Where(c => _values.Any(v => v.Record == c.Record && v.Value == address)).ToList();

    public bool IsUserAddress(string address) => _users.Contains(address);
}
