using PrivateMail.Domain.Records;

namespace PrivateMail.Domain.Scanning;

/// <summary>A CRM record the scanner can bind mail to.</summary>
/// <param name="Id">The record's id (users have string ids, so every kind uses a string).</param>
/// <param name="Order">The documented tie-break order when several records match: lower first (creation order).</param>
public sealed record RecordRef(RecordKind Kind, string Id, string DisplayName, long Order)
{
    /// <summary>When the record was last modified (UTC ticks); the "most recently modified" ambiguity policy picks the highest.</summary>
    public long Modified { get; init; }
}

/// <summary>A contact with the account it belongs to, for ticket creation.</summary>
public sealed record ContactRef(RecordRef Record, string? AccountId);

/// <summary>A ticket as the Open ticket action needs it.</summary>
public sealed record TicketRef(string Id, RecordNumber Number, string Status, bool StatusIsClosing);

/// <summary>
/// Read access to CRM records for one scan. The web project implements it with indexed queries;
/// tests implement it with lists. Every address and domain passed in is already normalised.
/// </summary>
public interface IRecordLookup
{
    /// <summary>Records whose <paramref name="field"/> (an e-mail field) holds one of the addresses.</summary>
    IReadOnlyList<RecordRef> FindByEmail(SearchField field, IReadOnlyCollection<string> addresses);

    /// <summary>Records whose <paramref name="field"/> (a domain field) holds one of the domains.</summary>
    IReadOnlyList<RecordRef> FindByDomain(SearchField field, IReadOnlyCollection<string> domains);

    /// <summary>The ticket with this number, or null.</summary>
    TicketRef? FindTicket(RecordNumber number);

    /// <summary>A ticket an earlier stored message of this thread is linked to (by Message-ID), or null.</summary>
    TicketRef? FindTicketByThread(IReadOnlyCollection<string> messageIds);

    /// <summary>Contacts whose e-mail or secondary e-mail is the address.</summary>
    IReadOnlyList<ContactRef> FindContacts(string address);

    /// <summary>Whether the address belongs to a CRM user.</summary>
    bool IsUserAddress(string address);
}

/// <summary>How many tickets the scanner already created from one sender in the last hour (the per-sender ticket cap).</summary>
public interface ISenderTicketCount
{
    /// <summary>Tickets created from <paramref name="sender"/> (a normalised address) within the last hour, this run's included.</summary>
    int CreatedInLastHour(string sender);
}
