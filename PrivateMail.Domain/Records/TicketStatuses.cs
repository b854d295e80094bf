namespace PrivateMail.Domain.Records;

/// <summary>A ticket status as shipped: its name and whether a ticket in it counts as finished.</summary>
/// <param name="IsClosing">Closed, resolved or rejected: a reply to such a ticket reopens it.</param>
public sealed record TicketStatusDefault(string Name, bool IsClosing);

/// <summary>
/// The ticket statuses a fresh installation starts with, and the scanner's default status mapping. Statuses are data
/// an administrator edits afterwards; these names are only the starting point.
/// </summary>
public static class TicketStatuses
{
    public const string Open = "Open";
    public const string InProgress = "In progress";
    public const string WaitingForResponse = "Waiting for response";
    public const string Answered = "Answered";
    public const string Resolved = "Resolved";
    public const string Closed = "Closed";
    public const string Rejected = "Rejected";

    /// <summary>The shipped statuses in display order. YetiForce ships no closing statuses, so replies never reopen; we do.</summary>
    public static IReadOnlyList<TicketStatusDefault> Defaults { get; } =
    [
        new(Open, false),
        new(InProgress, false),
        new(WaitingForResponse, false),
        new(Answered, false),
        new(Resolved, true),
        new(Closed, true),
        new(Rejected, true),
    ];

    /// <summary>A reply to a ticket waiting for response moves it to <see cref="Answered"/>.</summary>
    public const string DefaultAnswerFrom = WaitingForResponse;

    public const string DefaultAnswerTo = Answered;

    /// <summary>A reply to a ticket in a closing status moves it here.</summary>
    public const string DefaultReopen = Open;

    /// <summary>The status of tickets the scanner creates.</summary>
    public const string DefaultNewTicket = Open;
}

/// <summary>How urgent a ticket is.</summary>
public enum TicketPriority
{
    Low = 0,
    Normal = 1,
    High = 2,
    Urgent = 3,
}

/// <summary>Where a lead stands.</summary>
public enum LeadStatus
{
    New = 0,
    Contacted = 1,
    Qualified = 2,
    Unqualified = 3,
    Converted = 4,
}
