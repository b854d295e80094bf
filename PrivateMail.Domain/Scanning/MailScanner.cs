using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;

namespace PrivateMail.Domain.Scanning;

/// <summary>
/// The scanner's rules: given one message, a mailbox's settings and read access to the CRM, decides what to do.
/// Actions are considered in YetiForce's fixed order — Create e-mail, Bind e-mail, Open ticket, Create ticket —
/// and the decision is pure: applying it (storing, linking, status changes) is the caller's job.
/// </summary>
public static class MailScanner
{
    public static ScanDecision Decide(
        MessageSnapshot message,
        ScannerSettings settings,
        GlobalExceptions global,
        TicketStatusMapping statuses,
        IRecordLookup records)
    {
        var type = Classify(message, records);
        if (settings.Actions == ScannerActions.None)
        {
            return ScanDecision.Skip(type, SkipReason.NoActions);
        }

        var exceptions = ExceptionList.Merge(settings, global);
        if (type == MailType.Sent && message.Recipients.Any(exceptions.Matches))
        {
            return ScanDecision.Skip(type, SkipReason.RecipientExcepted);
        }

        if (type != MailType.Sent && message.From is { } sender && exceptions.Matches(sender))
        {
            return ScanDecision.Skip(type, SkipReason.SenderExcepted);
        }

        var actions = settings.Actions;
        var store = actions.HasFlag(ScannerActions.CreateEmail);
        var ticket = FindTicket(message, records);

        return new ScanDecision
        {
            Type = type,
            Store = store,
            Bindings = store && actions.HasFlag(ScannerActions.BindEmail) ? Bind(message, settings, records, ticket) : [],
            Ticket = ticket,
            // An out-of-office or a bounce naming a ticket is filed with it but answers nothing and reopens nothing.
            TicketChange = actions.HasFlag(ScannerActions.OpenTicket) && type == MailType.Received && ticket is not null && !message.IsAutoSubmitted
                ? Transition(ticket, statuses)
                : null,
            NewTicket = actions.HasFlag(ScannerActions.CreateTicket) && type == MailType.Received && ticket is null
                ? Draft(message, settings, statuses, records)
                : null,
        };
    }

    /// <summary>Sent when From is a CRM user; Internal when every party is a user; Received otherwise.</summary>
    public static MailType Classify(MessageSnapshot message, IRecordLookup records)
    {
        if (message.From is not { } from || !records.IsUserAddress(from.Normalised))
        {
            return MailType.Received;
        }

        var recipients = message.Recipients;
        return recipients.Count > 0 && recipients.All(r => records.IsUserAddress(r.Normalised)) ? MailType.Internal : MailType.Sent;
    }

    /// <summary>The first existing ticket named in the subject ([T42] before a bare T42), else one the thread is linked to.</summary>
    private static TicketRef? FindTicket(MessageSnapshot message, IRecordLookup records)
    {
        foreach (var number in RecordNumber.FindInSubject(message.Subject, RecordNumber.TicketPrefix))
        {
            if (records.FindTicket(number) is { } ticket)
            {
                return ticket;
            }
        }

        var thread = message.References.Append(message.InReplyTo).OfType<string>().Where(id => id.Length > 0).Distinct().ToList();
        return thread.Count > 0 ? records.FindTicketByThread(thread) : null;
    }

    private static List<RecordRef> Bind(MessageSnapshot message, ScannerSettings settings, IRecordLookup records, TicketRef? ticket)
    {
        var participants = message.Participants;
        var addresses = participants.Select(a => a.Normalised).ToHashSet(StringComparer.Ordinal);
        var domains = participants.Select(a => a.Domain).ToHashSet(StringComparer.Ordinal);
        var found = new List<RecordRef>();
        foreach (var field in settings.SearchFieldKeys.Select(SearchFields.Find).OfType<SearchField>().Distinct())
        {
            switch (field.Kind)
            {
                case SearchFieldKind.Email:
                    found.AddRange(records.FindByEmail(field, addresses));
                    break;
                case SearchFieldKind.Domain:
                    found.AddRange(records.FindByDomain(field, domains));
                    break;
                case SearchFieldKind.RecordNumber when ticket is not null:
                    found.Add(new RecordRef(RecordKind.Ticket, ticket.Id, ticket.Number.ToString(), ticket.Number.Sequence));
                    break;
            }
        }

        return found
            .DistinctBy(r => (r.Kind, r.Id))
            .OrderBy(r => r.Kind)
            .ThenBy(r => r.Order)
            .ToList();
    }

    private static TicketTransition? Transition(TicketRef ticket, TicketStatusMapping statuses)
    {
        if (string.Equals(ticket.Status, statuses.WaitingForResponse, StringComparison.OrdinalIgnoreCase))
        {
            return new TicketTransition(ticket.Id, ticket.Status, statuses.Answered);
        }

        return ticket.StatusIsClosing ? new TicketTransition(ticket.Id, ticket.Status, statuses.Reopen) : null;
    }

    /// <summary>
    /// A ticket for a new conversation. Not for auto-replies or bulk mail (loop protection).
    /// Contact: the sender's contact, lowest <see cref="RecordRef.Order"/> (the oldest) first when several match; the others are named on the ticket.
    /// Account: an account with the sender's address, else one with the sender's domain, else the contact's account.
    /// </summary>
    private static TicketDraft? Draft(MessageSnapshot message, ScannerSettings settings, TicketStatusMapping statuses, IRecordLookup records)
    {
        if (message.From is not { } sender || message.IsAutoSubmitted || message.IsBulk)
        {
            return null;
        }

        var contacts = records.FindContacts(sender.Normalised).OrderBy(c => c.Record.Order).ToList();
        var contact = contacts.FirstOrDefault();
        var accountsByEmail = records.FindByEmail(SearchFields.AccountEmail, [sender.Normalised]);
        var accountsByDomain = records.FindByDomain(SearchFields.AccountDomain, [sender.Domain]);
        var account = accountsByEmail.Concat(accountsByDomain).OrderBy(a => accountsByEmail.Contains(a) ? 0 : 1).ThenBy(a => a.Order).FirstOrDefault();

        return new TicketDraft(
            Title: message.Subject.Trim(),
            Description: message.TextBody,
            Status: statuses.NewTicket,
            OwnerId: settings.OwnerId,
            ContactId: contact?.Record.Id,
            AccountId: account?.Id ?? contact?.AccountId,
            OtherContacts: contacts.Skip(1).Select(c => c.Record).ToList());
    }
}
