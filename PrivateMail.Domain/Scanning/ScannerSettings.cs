using PrivateMail.Domain.Records;

namespace PrivateMail.Domain.Scanning;

/// <summary>One mailbox's scanner settings, as the decision needs them.</summary>
/// <param name="OwnerId">The mailbox owner: owner of stored mail and created tickets.</param>
/// <param name="SearchFieldKeys">Keys from <see cref="SearchFields"/>.</param>
/// <param name="EmailExceptions">Normalised addresses whose mail is skipped.</param>
/// <param name="DomainExceptions">Normalised domains whose mail is skipped.</param>
public sealed record ScannerSettings(
    string OwnerId,
    ScannerActions Actions,
    IReadOnlyCollection<string> SearchFieldKeys,
    IReadOnlyCollection<string> EmailExceptions,
    IReadOnlyCollection<string> DomainExceptions)
{
    /// <summary>At most this many tickets per sender and hour (an administrator's setting); 0 means no cap.</summary>
    public int TicketCapPerHour { get; init; }

    /// <summary>What to bind when one address matches several records of a kind (an administrator's setting).</summary>
    public AmbiguityPolicy Ambiguity { get; init; }
}

/// <summary>Exceptions an administrator sets for every mailbox; merged with each mailbox's own.</summary>
public sealed record GlobalExceptions(IReadOnlyCollection<string> Emails, IReadOnlyCollection<string> Domains)
{
    public static GlobalExceptions None { get; } = new([], []);
}

/// <summary>The ticket status names the scanner moves tickets between (editable by administrators).</summary>
/// <param name="WaitingForResponse">A reply to a ticket in this status…</param>
/// <param name="Answered">…moves it to this one.</param>
/// <param name="Reopen">A reply to a ticket in a closing status moves it here.</param>
/// <param name="NewTicket">The status of tickets the scanner creates.</param>
public sealed record TicketStatusMapping(string WaitingForResponse, string Answered, string Reopen, string NewTicket)
{
    public static TicketStatusMapping Default { get; } = new(
        TicketStatuses.DefaultAnswerFrom, TicketStatuses.DefaultAnswerTo, TicketStatuses.DefaultReopen, TicketStatuses.DefaultNewTicket)
    {
        Closing = TicketStatuses.Defaults.Where(s => s.IsClosing).Select(s => s.Name).ToHashSet(StringComparer.OrdinalIgnoreCase),
    };

    /// <summary>The names of the closing statuses (any case): a reply to a ticket in one of them reopens it.</summary>
    public IReadOnlySet<string> Closing { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
}
