namespace PrivateMail.Domain.Scanning;

/// <summary>Received from outside, sent by a CRM user, or internal between users.</summary>
public enum MailType
{
    Received,
    Sent,
    Internal,
}

/// <summary>Why a message is not processed.</summary>
public enum SkipReason
{
    /// <summary>The sender of a received message is in the exceptions.</summary>
    SenderExcepted,
    /// <summary>A recipient of a sent message is in the exceptions.</summary>
    RecipientExcepted,
    /// <summary>No action is switched on.</summary>
    NoActions,
}

/// <summary>A ticket status change: reply to a ticket waiting for response, or reopening a closed one.</summary>
public sealed record TicketTransition(string TicketId, string From, string To);

/// <summary>A ticket to create for a received message.</summary>
/// <param name="OtherContacts">Further contacts with the sender's address: the ticket names them so a person can fix the choice.</param>
public sealed record TicketDraft(
    string Title,
    string Description,
    string Status,
    string OwnerId,
    string? ContactId,
    string? AccountId,
    IReadOnlyList<RecordRef> OtherContacts);

/// <summary>One address (or domain) that matched several records of one kind: a person should choose.</summary>
/// <param name="Value">The normalised address or domain.</param>
/// <param name="Candidates">Every record it matched, oldest first.</param>
public sealed record AmbiguousMatch(RecordKind Kind, string Value, IReadOnlyList<RecordRef> Candidates);

/// <summary>What the scanner does with one message. Applying it is the web project's job.</summary>
public sealed record ScanDecision
{
    public MailType Type { get; init; }
    public SkipReason? Skipped { get; init; }
    /// <summary>Store the message as an e-mail record (Create e-mail).</summary>
    public bool Store { get; init; }
    /// <summary>Records to link the stored e-mail to (Bind e-mail), each once.</summary>
    public IReadOnlyList<RecordRef> Bindings { get; init; } = [];
    /// <summary>The ticket named in the subject or thread, if any — the e-mail is linked to it as well.</summary>
    public TicketRef? Ticket { get; init; }
    public TicketTransition? TicketChange { get; init; }
    public TicketDraft? NewTicket { get; init; }
    /// <summary>Addresses that matched several records of a kind (under every policy; the policy decided what is bound).</summary>
    public IReadOnlyList<AmbiguousMatch> Ambiguities { get; init; } = [];
    /// <summary>A ticket would have been created, but the sender reached the per-sender cap: the mail is stored and bound only.</summary>
    public bool TicketCapped { get; init; }
    /// <summary>Why: each step of the decision as a code with its arguments, in the order the rules ran.</summary>
    public IReadOnlyList<DecisionReason> Reasons { get; init; } = [];

    public static ScanDecision Skip(MailType type, SkipReason reason) => new() { Type = type, Skipped = reason };
}
