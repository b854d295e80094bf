namespace PrivateMail.Domain.Scanning;

/// <summary>The kinds of CRM record mail can be bound to.</summary>
public enum RecordKind
{
    Contact,
    Account,
    Lead,
    User,
    Ticket,
}

/// <summary>How a search field is matched against a message.</summary>
public enum SearchFieldKind
{
    /// <summary>An e-mail address field, matched against From, To, Cc and Bcc.</summary>
    Email,
    /// <summary>A domain or website field, matched against the part of each address after the @.</summary>
    Domain,
    /// <summary>A record number such as T42, matched in the subject ([T42]).</summary>
    RecordNumber,
}

/// <summary>A record field the scanner searches to bind mail, e.g. Contacts → E-mail.</summary>
/// <param name="Key">Stable identifier stored in mailbox settings, e.g. "Contacts.Email".</param>
public sealed record SearchField(string Key, RecordKind Record, SearchFieldKind Kind);

/// <summary>The catalogue of search fields a mailbox owner can choose from.</summary>
public static class SearchFields
{
    public static readonly SearchField ContactEmail = new("Contacts.Email", RecordKind.Contact, SearchFieldKind.Email);
    public static readonly SearchField ContactSecondaryEmail = new("Contacts.SecondaryEmail", RecordKind.Contact, SearchFieldKind.Email);
    public static readonly SearchField AccountEmail = new("Accounts.Email", RecordKind.Account, SearchFieldKind.Email);
    public static readonly SearchField AccountDomain = new("Accounts.Domain", RecordKind.Account, SearchFieldKind.Domain);
    public static readonly SearchField LeadEmail = new("Leads.Email", RecordKind.Lead, SearchFieldKind.Email);
    public static readonly SearchField UserEmail = new("Users.Email", RecordKind.User, SearchFieldKind.Email);
    public static readonly SearchField TicketNumber = new("Tickets.Number", RecordKind.Ticket, SearchFieldKind.RecordNumber);

    /// <summary>Every search field, in the order shown to users.</summary>
    public static IReadOnlyList<SearchField> All { get; } =
        [ContactEmail, ContactSecondaryEmail, AccountEmail, AccountDomain, LeadEmail, UserEmail, TicketNumber];

    /// <summary>What a new mailbox searches by default: every field.</summary>
    public static IReadOnlyList<string> DefaultKeys { get; } = All.Select(f => f.Key).ToList();

    /// <summary>The field with this key, or null. A plain loop: the scanner asks for every message (a LINQ predicate allocated each time).</summary>
    public static SearchField? Find(string key)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i].Key, key, StringComparison.Ordinal))
            {
                return All[i];
            }
        }

        return null;
    }
}
