namespace PrivateMail.Web.Data;

/// <summary>A ticket status an administrator maintains (System configuration → Tickets).</summary>
public sealed class TicketStatus
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    /// <summary>A ticket in a closing status is finished; a reply to it reopens it.</summary>
    public bool IsClosing { get; set; }
    public int SortOrder { get; set; }
}

/// <summary>
/// The scanner's status mapping, one row: a reply moves a ticket in <see cref="AnswerFromStatusId"/> to
/// <see cref="AnswerToStatusId"/>, and a ticket in any closing status to <see cref="ReopenStatusId"/>;
/// new tickets start in <see cref="NewTicketStatusId"/>.
/// </summary>
public sealed class TicketSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    public int AnswerFromStatusId { get; set; }
    public int AnswerToStatusId { get; set; }
    public int ReopenStatusId { get; set; }
    public int NewTicketStatusId { get; set; }
    /// <summary>The status a ticket moves to once a reply to it is sent from My mail; null: the status a customer's
    /// answer moves a ticket out of (<see cref="AnswerFromStatusId"/>, "Waiting for response").</summary>
    public int? ReplySentStatusId { get; set; }
}

/// <summary>A number sequence per record kind: the next value is taken and incremented in one statement.</summary>
public sealed class RecordSequence
{
    public const string Tickets = "Tickets";

    public string Name { get; set; } = "";
    public string Prefix { get; set; } = "";
    public long Next { get; set; } = 1;
}
