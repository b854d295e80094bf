using PrivateMail.Domain.Records;

namespace PrivateMail.Web.Data;

/// <summary>A support case. Its number (T42) is allocated once and never reused, even after the ticket is deleted.</summary>
public sealed class Ticket : OwnedRecord
{
    /// <summary>The sequence part of the number, from <see cref="RecordSequence"/>; unique.</summary>
    public long Sequence { get; set; }
    /// <summary>The number as shown and searched, e.g. <c>T42</c>; unique.</summary>
    public string Number { get; set; } = "";
    public string Title { get; set; } = "";
    /// <summary>Stored as <see cref="CompressedText"/>: read and written as text through EF; raw SQL binds and reads its bytes.</summary>
    public string Description { get; set; } = "";
    public int StatusId { get; set; }
    public TicketStatus? Status { get; set; }
    public TicketPriority Priority { get; set; } = TicketPriority.Normal;
    public int? ContactId { get; set; }
    public Contact? Contact { get; set; }
    public int? AccountId { get; set; }
    public Account? Account { get; set; }
    /// <summary>For a ticket the scanner created: the mailbox and the message's dedupe key, unique together, so the same
    /// message seen again (another folder, a renumbered folder) never creates a second ticket — even with Create e-mail off.</summary>
    public int? SourceMailboxId { get; set; }
    public string? SourceKey { get; set; }
    /// <summary>For a ticket the scanner created: the sender's normalised address (the per-sender ticket cap counts these).</summary>
    public string? SourceSender { get; set; }
}
