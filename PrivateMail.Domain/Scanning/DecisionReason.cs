namespace PrivateMail.Domain.Scanning;

/// <summary>One step of a decision's explanation. The UI turns the code and its arguments into a sentence in the user's language.</summary>
public enum DecisionReasonCode
{
    /// <summary>Received from outside. No arguments.</summary>
    Received,
    /// <summary>Sent by a CRM user. Argument: the sender's address.</summary>
    Sent,
    /// <summary>Between CRM users only. Argument: the sender's address.</summary>
    Internal,
    /// <summary>No action is switched on: skipped. No arguments.</summary>
    NoActions,
    /// <summary>Skipped: the sender matches an exception. Arguments: the sender, the exception entry (address or domain).</summary>
    SenderExcepted,
    /// <summary>Skipped: a recipient of sent mail matches an exception. Arguments: the recipient, the exception entry.</summary>
    RecipientExcepted,
    /// <summary>Create e-mail is on: the message is stored. No arguments.</summary>
    Stores,
    /// <summary>Create e-mail is off: nothing is stored. No arguments.</summary>
    NotStored,
    /// <summary>
    /// A participant's address or domain matches a record through a search field. Arguments: the address (or domain),
    /// the record kind, the record's name, the search field key.
    /// </summary>
    Matches,
    /// <summary>Bind e-mail is on but no search field matched a record. No arguments.</summary>
    NothingMatched,
    /// <summary>The subject names an existing ticket. Argument: the ticket number.</summary>
    TicketInSubject,
    /// <summary>The message replies to a thread an existing ticket is linked to. Argument: the ticket number.</summary>
    TicketInThread,
    /// <summary>A reply to a ticket waiting for response: it is answered. Arguments: the ticket number, the status from, the status to.</summary>
    TicketAnswered,
    /// <summary>A reply to a closed ticket: it is reopened. Arguments: the ticket number, the status from, the status to.</summary>
    TicketReopened,
    /// <summary>The ticket's status is left as it is. Arguments: the ticket number, its status.</summary>
    TicketUnchanged,
    /// <summary>
    /// The message changed the ticket's status when it was first read (a copy seen again changes nothing). Argument: the
    /// ticket number.
    /// </summary>
    TicketChangedBefore,
    /// <summary>An automatic reply files with its ticket but changes nothing. Argument: the ticket number.</summary>
    TicketUnchangedAutomatic,
    /// <summary>A ticket is created. Argument: its title.</summary>
    CreatesTicket,
    /// <summary>No ticket: the message is an automatic reply (loop protection). No arguments.</summary>
    NoTicketAutomatic,
    /// <summary>No ticket: the message is bulk mail. No arguments.</summary>
    NoTicketBulk,
    /// <summary>No ticket: the message has no usable sender. No arguments.</summary>
    NoTicketNoSender,
    /// <summary>Several contacts have the sender's address: the ticket goes to the oldest. Arguments: the chosen contact, then the others.</summary>
    TicketContactAmbiguous,
    /// <summary>
    /// No ticket: the sender reached the per-sender cap (the mail is still stored and bound). Arguments: the sender, the
    /// cap per hour.
    /// </summary>
    NoTicketCap,
    /// <summary>
    /// One address (or domain) matched several records of a kind. Arguments: the address, the record kind, the policy
    /// applied, then the candidates' names.
    /// </summary>
    Ambiguous,
}

/// <summary>A code with its arguments (addresses, names, numbers as written), no language in it.</summary>
public sealed record DecisionReason(DecisionReasonCode Code, IReadOnlyList<string> Args)
{
    public DecisionReason(DecisionReasonCode code, params string[] args) : this(code, (IReadOnlyList<string>)args)
    {
    }

    public bool Equals(DecisionReason? other) => other is not null && Code == other.Code && Args.SequenceEqual(other.Args);

    public override int GetHashCode() => HashCode.Combine(Code, Args.Count);

    public override string ToString() => Args.Count == 0 ? Code.ToString() : $"{Code}({string.Join(", ", Args)})";
}
