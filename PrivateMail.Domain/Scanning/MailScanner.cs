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
    /// <param name="explainMatches">
    /// Also name, for each record a search field found, the address or domain that found it (one more lookup per
    /// value): for the preview, which shows the reasons. The scanner leaves it off; what is decided is the same.
    /// </param>
    /// <param name="recentTickets">Tickets already created per sender in the last hour, for <see cref="ScannerSettings.TicketCapPerHour"/>; none when null.</param>
    public static ScanDecision Decide(
        MessageSnapshot message,
        ScannerSettings settings,
        GlobalExceptions global,
        TicketStatusMapping statuses,
        IRecordLookup records,
        bool explainMatches = false,
        ISenderTicketCount? recentTickets = null,
        RecordMatches? matches = null)
    {
        // Worked out ahead (Match) the same way: ignored when the matches must be explained, which asks value by value.
        matches = explainMatches ? null : matches;
        var type = matches?.Type ?? Classify(message, records);
        var why = new List<DecisionReason>
        {
            type switch
            {
                MailType.Sent => new DecisionReason(DecisionReasonCode.Sent, message.From!.Normalised),
                MailType.Internal => new DecisionReason(DecisionReasonCode.Internal, message.From!.Normalised),
                _ => new DecisionReason(DecisionReasonCode.Received),
            },
        };
        if (settings.Actions == ScannerActions.None)
        {
            why.Add(new DecisionReason(DecisionReasonCode.NoActions));
            return ScanDecision.Skip(type, SkipReason.NoActions) with { Reasons = why };
        }

        var exceptions = ExceptionList.Merge(settings, global);
        if (type == MailType.Sent && message.Recipients.Select(r => (Address: r, Entry: exceptions.Match(r))).FirstOrDefault(r => r.Entry is not null) is { Entry: { } entry } excepted)
        {
            why.Add(new DecisionReason(DecisionReasonCode.RecipientExcepted, excepted.Address.Normalised, entry));
            return ScanDecision.Skip(type, SkipReason.RecipientExcepted) with { Reasons = why };
        }

        if (type != MailType.Sent && message.From is { } sender && exceptions.Match(sender) is { } senderEntry)
        {
            why.Add(new DecisionReason(DecisionReasonCode.SenderExcepted, sender.Normalised, senderEntry));
            return ScanDecision.Skip(type, SkipReason.SenderExcepted) with { Reasons = why };
        }

        var actions = settings.Actions;
        var store = actions.HasFlag(ScannerActions.CreateEmail);
        why.Add(new DecisionReason(store ? DecisionReasonCode.Stores : DecisionReasonCode.NotStored));
        var ticket = FindTicket(message, records, why);
        var ambiguities = new List<AmbiguousMatch>();
        var bindings = store && actions.HasFlag(ScannerActions.BindEmail) ? Bind(message, settings, records, ticket, why, explainMatches, ambiguities, matches) : [];
        TicketTransition? change = null;
        if (actions.HasFlag(ScannerActions.OpenTicket) && type == MailType.Received && ticket is not null)
        {
            // An out-of-office or a bounce naming a ticket is filed with it but answers nothing and reopens nothing.
            change = message.IsAutoSubmitted ? null : Transition(ticket, statuses);
            why.Add(message.IsAutoSubmitted ? new DecisionReason(DecisionReasonCode.TicketUnchangedAutomatic, ticket.Number.ToString())
                : change is null ? new DecisionReason(DecisionReasonCode.TicketUnchanged, ticket.Number.ToString(), ticket.Status)
                : new DecisionReason(IsWaiting(ticket, statuses) ? DecisionReasonCode.TicketAnswered : DecisionReasonCode.TicketReopened, ticket.Number.ToString(), change.From, change.To));
        }

        var capped = false;
        var draft = actions.HasFlag(ScannerActions.CreateTicket) && type == MailType.Received && ticket is null
            ? Draft(message, settings, statuses, records, why, recentTickets, matches, out capped)
            : null;

        return new ScanDecision
        {
            Type = type,
            Store = store,
            Bindings = bindings,
            Ticket = ticket,
            TicketChange = change,
            NewTicket = draft,
            TicketCapped = capped,
            Ambiguities = ambiguities,
            Reasons = why,
        };
    }

    /// <summary>
    /// The half of a decision that depends only on records a scan never changes (users, contacts, accounts, leads): the
    /// message's type, what each e-mail and domain search field finds with the ambiguity policy applied, and the sender's
    /// contacts and accounts for a new ticket. The scanner works it out beside its writer; <see cref="Decide"/> given it
    /// decides exactly as without it, and only what depends on tickets is left for the writer.
    /// </summary>
    public static RecordMatches Match(MessageSnapshot message, ScannerSettings settings, IRecordLookup records)
    {
        var type = Classify(message, records);
        var actions = settings.Actions;
        var byField = new Dictionary<string, IReadOnlyList<RecordRef>>(StringComparer.Ordinal);
        var ambiguities = new List<AmbiguousMatch>();
        var reasons = new List<DecisionReason>();
        var dropped = new HashSet<(RecordKind, string)>();
        // Only what Decide can use: bindings when it binds, a new ticket's parties when it may draft one (whether the
        // subject or thread names a ticket is known only to the writer; Decide asks itself when this left them out).
        if (actions.HasFlag(ScannerActions.CreateEmail) && actions.HasFlag(ScannerActions.BindEmail))
        {
            var (addresses, domains) = Values(message);
            var found = new List<RecordRef>();
            foreach (var field in Fields(settings))
            {
                var matched = field.Kind switch
                {
                    SearchFieldKind.Email => records.FindByEmail(field, addresses),
                    SearchFieldKind.Domain => records.FindByDomain(field, domains),
                    _ => null,
                };
                if (matched is not null)
                {
                    byField[field.Key] = matched;
                    found.AddRange(matched);
                }
            }

            dropped = FindAmbiguities(settings, records, addresses, domains, found, ambiguities, reasons);
        }

        var drafts = actions.HasFlag(ScannerActions.CreateTicket) && type == MailType.Received && !message.IsAutoSubmitted && !message.IsBulk;
        return new RecordMatches(type, byField, dropped, ambiguities, reasons,
            drafts && message.From is { } sender ? SenderParties(sender, records) : null);
    }

    /// <summary>Sent when From is a CRM user; Internal when every party is a user; Received otherwise.</summary>
    public static MailType Classify(MessageSnapshot message, IRecordLookup records)
    {
        if (message.From is not { } from || !records.IsUserAddress(from.Normalised))
        {
            return MailType.Received;
        }

        var recipients = message.Recipients;
        if (recipients.Count == 0)
        {
            return MailType.Sent;
        }

        foreach (var recipient in recipients)
        {
            if (!records.IsUserAddress(recipient.Normalised))
            {
                return MailType.Sent;
            }
        }

        return MailType.Internal;
    }

    /// <summary>The first existing ticket named in the subject ([T42] before a bare T42), else one the thread is linked to.</summary>
    private static TicketRef? FindTicket(MessageSnapshot message, IRecordLookup records, List<DecisionReason> why)
    {
        foreach (var number in RecordNumber.FindInSubject(message.Subject, RecordNumber.TicketPrefix))
        {
            if (records.FindTicket(number) is { } ticket)
            {
                why.Add(new DecisionReason(DecisionReasonCode.TicketInSubject, ticket.Number.ToString()));
                return ticket;
            }
        }

        var thread = ThreadIds(message);
        var threaded = thread.Count > 0 ? records.FindTicketByThread(thread) : null;
        if (threaded is not null)
        {
            why.Add(new DecisionReason(DecisionReasonCode.TicketInThread, threaded.Number.ToString()));
        }

        return threaded;
    }

    /// <summary>The message ids of the thread it answers: References, then In-Reply-To, each once, none empty.</summary>
    private static List<string> ThreadIds(MessageSnapshot message)
    {
        var ids = new List<string>(message.References.Count + 1);
        foreach (var id in message.References)
        {
            AddThreadId(ids, id);
        }

        AddThreadId(ids, message.InReplyTo);
        return ids;
    }

    private static void AddThreadId(List<string> ids, string? id)
    {
        if (id is { Length: > 0 } && !ids.Contains(id))
        {
            ids.Add(id);
        }
    }

    private static List<RecordRef> Bind(
        MessageSnapshot message, ScannerSettings settings, IRecordLookup records, TicketRef? ticket, List<DecisionReason> why, bool explainMatches,
        List<AmbiguousMatch> ambiguities, RecordMatches? matches)
    {
        var (addresses, domains) = matches is null ? Values(message) : (new HashSet<string>(), new HashSet<string>());
        var found = new List<RecordRef>();
        foreach (var field in Fields(settings))
        {
            switch (field.Kind)
            {
                case SearchFieldKind.Email or SearchFieldKind.Domain when matches is not null:
                    found.AddRange(matches.ByField[field.Key]);
                    break;
                case SearchFieldKind.Email:
                    var byEmail = records.FindByEmail(field, addresses);
                    found.AddRange(byEmail);
                    if (explainMatches)
                    {
                        Explain(why, field, byEmail, addresses, value => records.FindByEmail(field, [value]));
                    }

                    break;
                case SearchFieldKind.Domain:
                    var byDomain = records.FindByDomain(field, domains);
                    found.AddRange(byDomain);
                    if (explainMatches)
                    {
                        Explain(why, field, byDomain, domains, value => records.FindByDomain(field, [value]));
                    }

                    break;
                case SearchFieldKind.RecordNumber when ticket is not null:
                    found.Add(new RecordRef(RecordKind.Ticket, ticket.Id, ticket.Number.ToString(), ticket.Number.Sequence));
                    why.Add(new DecisionReason(DecisionReasonCode.Matches, ticket.Number.ToString(), nameof(RecordKind.Ticket), ticket.Number.ToString(), field.Key));
                    break;
            }
        }

        if (found.Count == 0)
        {
            why.Add(new DecisionReason(DecisionReasonCode.NothingMatched));
        }

        HashSet<(RecordKind, string)> dropped;
        if (matches is null)
        {
            dropped = FindAmbiguities(settings, records, addresses, domains, found, ambiguities, why);
        }
        else
        {
            dropped = matches.Dropped;
            ambiguities.AddRange(matches.Ambiguities);
            why.AddRange(matches.AmbiguityReasons);
        }

        return BoundInOrder(found, dropped);
    }

    /// <summary>
    /// Each record found once (as first found), none the ambiguity policy dropped, by kind, then oldest first. Loops, not
    /// LINQ: asked for every message, which finds none to a few records.
    /// </summary>
    private static List<RecordRef> BoundInOrder(List<RecordRef> found, HashSet<(RecordKind, string)> dropped)
    {
        var bound = new List<RecordRef>(found.Count);
        var seen = found.Count > 16 ? new HashSet<(RecordKind, string)>(found.Count) : null;
        foreach (var record in found)
        {
            // A dropped key drops every finding of the record, so whether it was seen first does not matter.
            if (dropped.Contains((record.Kind, record.Id)) || (seen is not null ? !seen.Add((record.Kind, record.Id)) : IsBound(bound, record)))
            {
                continue;
            }

            bound.Add(record);
        }

        StableSort.Sort(bound, static (a, b) => a.Kind != b.Kind ? ((int)a.Kind).CompareTo((int)b.Kind) : a.Order.CompareTo(b.Order));
        return bound;
    }

    private static bool IsBound(List<RecordRef> bound, RecordRef record)
    {
        foreach (var kept in bound)
        {
            if (kept.Kind == record.Kind && string.Equals(kept.Id, record.Id, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The search fields the settings name, once each, in their order (a loop: asked for every message).</summary>
    private static List<SearchField> Fields(ScannerSettings settings)
    {
        var fields = new List<SearchField>(settings.SearchFieldKeys.Count);
        foreach (var key in settings.SearchFieldKeys)
        {
            if (SearchFields.Find(key) is { } field && !fields.Contains(field))
            {
                fields.Add(field);
            }
        }

        return fields;
    }

    /// <summary>Every participant's address and domain, the values e-mail and domain fields are searched by.</summary>
    private static (HashSet<string> Addresses, HashSet<string> Domains) Values(MessageSnapshot message)
    {
        var participants = message.Participants;
        var addresses = new HashSet<string>(participants.Count, StringComparer.Ordinal);
        var domains = new HashSet<string>(participants.Count, StringComparer.Ordinal);
        foreach (var participant in participants)
        {
            addresses.Add(participant.Normalised);
            domains.Add(participant.Domain);
        }

        return (addresses, domains);
    }

    /// <summary>
    /// Finds each address (or domain) that matched several contacts, accounts or leads, and applies the policy. Asked one
    /// value at a time only for a kind that found more than one record, so ordinary mail costs nothing more. Returns the
    /// records the policy leaves unbound.
    /// </summary>
    private static HashSet<(RecordKind, string)> FindAmbiguities(
        ScannerSettings settings, IRecordLookup records, IReadOnlyCollection<string> addresses, IReadOnlyCollection<string> domains,
        List<RecordRef> found, List<AmbiguousMatch> ambiguities, List<DecisionReason> why)
    {
        var dropped = new HashSet<(RecordKind, string)>();
        var fields = Fields(settings);
        foreach (var kind in (RecordKind[])[RecordKind.Contact, RecordKind.Account, RecordKind.Lead])
        {
            if (!HasSeveral(found, kind))
            {
                continue;
            }

            var checks = fields.Where(f => f.Record == kind && f.Kind == SearchFieldKind.Email).Select(f => (Field: f, Values: addresses))
                .Concat(fields.Where(f => f.Record == kind && f.Kind == SearchFieldKind.Domain).Select(f => (Field: f, Values: domains)));
            var byValue = new SortedDictionary<string, List<RecordRef>>(StringComparer.Ordinal);
            foreach (var (field, values) in checks)
            {
                foreach (var value in values)
                {
                    var matched = field.Kind == SearchFieldKind.Email ? records.FindByEmail(field, [value]) : records.FindByDomain(field, [value]);
                    if (matched.Count > 0)
                    {
                        (byValue.TryGetValue(value, out var list) ? list : byValue[value] = []).AddRange(matched);
                    }
                }
            }

            foreach (var (value, matched) in byValue)
            {
                var candidates = matched.DistinctBy(r => r.Id).OrderBy(r => r.Order).ToList();
                if (candidates.Count < 2)
                {
                    continue;
                }

                ambiguities.Add(new AmbiguousMatch(kind, value, candidates));
                why.Add(new DecisionReason(DecisionReasonCode.Ambiguous, [value, kind.ToString(), settings.Ambiguity.ToString(), .. candidates.Select(c => c.DisplayName)]));
                if (settings.Ambiguity == AmbiguityPolicy.BindAll)
                {
                    continue;
                }

                var keep = Choose(candidates, settings.Ambiguity);
                dropped.UnionWith(candidates.Where(c => c != keep).Select(c => (c.Kind, c.Id)));
            }
        }

        return dropped;
    }

    /// <summary>Whether two or more different records of this kind were found (a loop: asked three times for every message).</summary>
    private static bool HasSeveral(List<RecordRef> found, RecordKind kind)
    {
        string? first = null;
        foreach (var record in found)
        {
            if (record.Kind != kind)
            {
                continue;
            }

            if (first is null)
            {
                first = record.Id;
            }
            else if (!string.Equals(first, record.Id, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The one candidate the policy binds, or null for none; under <see cref="AmbiguityPolicy.BindAll"/> the oldest (all are bound).</summary>
    private static RecordRef? Choose(IReadOnlyList<RecordRef> candidates, AmbiguityPolicy policy) => policy switch
    {
        AmbiguityPolicy.BindNoneAndFlag => null,
        AmbiguityPolicy.BindMostRecentlyModified => candidates.OrderByDescending(c => c.Modified).ThenBy(c => c.Order).First(),
        _ => candidates[0],
    };

    /// <summary>
    /// Names, for each record a field found, the address (or domain) that found it. Only asked again when something was
    /// found, one value at a time, so a message that matches nothing costs nothing more.
    /// </summary>
    private static void Explain(List<DecisionReason> why, SearchField field, IReadOnlyList<RecordRef> found, IReadOnlyCollection<string> values, Func<string, IReadOnlyList<RecordRef>> findOne)
    {
        if (found.Count == 0)
        {
            return;
        }

        var explained = new HashSet<(RecordKind, string)>();
        foreach (var value in values.Order(StringComparer.Ordinal))
        {
            foreach (var record in findOne(value).Where(r => explained.Add((r.Kind, r.Id))))
            {
                why.Add(new DecisionReason(DecisionReasonCode.Matches, value, record.Kind.ToString(), record.DisplayName, field.Key));
            }
        }
    }

    private static bool IsWaiting(TicketRef ticket, TicketStatusMapping statuses) =>
        string.Equals(ticket.Status, statuses.WaitingForResponse, StringComparison.OrdinalIgnoreCase);

    private static TicketTransition? Transition(TicketRef ticket, TicketStatusMapping statuses)
    {
        if (IsWaiting(ticket, statuses))
        {
            return new TicketTransition(ticket.Id, ticket.Status, statuses.Answered);
        }

        return ticket.StatusIsClosing ? new TicketTransition(ticket.Id, ticket.Status, statuses.Reopen) : null;
    }

    /// <summary>
    /// A ticket for a new conversation. Not for auto-replies or bulk mail (loop protection).
    /// Contact: the sender's contact; when several match, the <see cref="ScannerSettings.Ambiguity"/> policy chooses (the
    /// oldest, none, or the most recently modified) and the e-mail carries the candidates.
    /// Account: an account with the sender's address, else one with the sender's domain (several: the policy again), else
    /// the contact's account.
    /// </summary>
    private static TicketDraft? Draft(
        MessageSnapshot message, ScannerSettings settings, TicketStatusMapping statuses, IRecordLookup records, List<DecisionReason> why,
        ISenderTicketCount? recentTickets, RecordMatches? matches, out bool capped)
    {
        capped = false;
        if (message.From is not { } sender || message.IsAutoSubmitted || message.IsBulk)
        {
            why.Add(new DecisionReason(message.From is null ? DecisionReasonCode.NoTicketNoSender
                : message.IsAutoSubmitted ? DecisionReasonCode.NoTicketAutomatic : DecisionReasonCode.NoTicketBulk));
            return null;
        }

        // Loops and storms that carry no Auto-Submitted header: past the cap the mail is kept, but opens no ticket.
        if (settings.TicketCapPerHour > 0 && recentTickets is not null && recentTickets.CreatedInLastHour(sender.Normalised) >= settings.TicketCapPerHour)
        {
            capped = true;
            why.Add(new DecisionReason(DecisionReasonCode.NoTicketCap, sender.Normalised, settings.TicketCapPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            return null;
        }

        var (contacts, accountCandidates) = matches?.Sender ?? SenderParties(sender, records);
        var contact = contacts.Count < 2 ? contacts.FirstOrDefault() : Choose(contacts.Select(c => c.Record).ToList(), settings.Ambiguity) is { } chosen
            ? contacts.First(c => c.Record == chosen) : null;
        var account = accountCandidates.Count < 2 ? accountCandidates.FirstOrDefault() : Choose(accountCandidates, settings.Ambiguity);

        why.Add(new DecisionReason(DecisionReasonCode.CreatesTicket, message.Subject.Trim()));
        if (contacts.Count > 1 && settings.Ambiguity == AmbiguityPolicy.BindAll)
        {
            why.Add(new DecisionReason(DecisionReasonCode.TicketContactAmbiguous, contacts.Select(c => c.Record.DisplayName).ToArray()));
        }

        return new TicketDraft(
            Title: message.Subject.Trim(),
            Description: message.TextBody,
            Status: statuses.NewTicket,
            OwnerId: settings.OwnerId,
            ContactId: contact?.Record.Id,
            AccountId: account?.Id ?? contact?.AccountId,
            OtherContacts: contacts.Where(c => c != contact).Select(c => c.Record).ToList());
    }

    /// <summary>The sender's contacts, and the accounts with the sender's address (else domain), oldest first: a new ticket's parties.</summary>
    private static SenderParties SenderParties(EmailAddress sender, IRecordLookup records)
    {
        var contacts = new List<ContactRef>(records.FindContacts(sender.Normalised));
        StableSort.Sort(contacts, static (a, b) => a.Record.Order.CompareTo(b.Record.Order));
        var accountsByEmail = records.FindByEmail(SearchFields.AccountEmail, [sender.Normalised]);
        var accounts = new List<RecordRef>(accountsByEmail.Count > 0 ? accountsByEmail : records.FindByDomain(SearchFields.AccountDomain, [sender.Domain]));
        StableSort.Sort(accounts, static (a, b) => a.Order.CompareTo(b.Order));
        return new SenderParties(contacts, accounts);
    }
}

/// <summary>A new ticket's possible contacts and accounts, oldest first.</summary>
public sealed record SenderParties(IReadOnlyList<ContactRef> Contacts, IReadOnlyList<RecordRef> Accounts);

/// <summary>
/// What <see cref="MailScanner.Match"/> worked out ahead for one message: opaque to callers, who hand it back to
/// <see cref="MailScanner.Decide"/> with the same settings and records.
/// </summary>
public sealed class RecordMatches
{
    internal RecordMatches(
        MailType type, IReadOnlyDictionary<string, IReadOnlyList<RecordRef>> byField, HashSet<(RecordKind, string)> dropped,
        IReadOnlyList<AmbiguousMatch> ambiguities, IReadOnlyList<DecisionReason> ambiguityReasons, SenderParties? sender)
    {
        Type = type;
        ByField = byField;
        Dropped = dropped;
        Ambiguities = ambiguities;
        AmbiguityReasons = ambiguityReasons;
        Sender = sender;
    }

    internal MailType Type { get; }

    internal IReadOnlyDictionary<string, IReadOnlyList<RecordRef>> ByField { get; }

    internal HashSet<(RecordKind, string)> Dropped { get; }

    internal IReadOnlyList<AmbiguousMatch> Ambiguities { get; }

    internal IReadOnlyList<DecisionReason> AmbiguityReasons { get; }

    internal SenderParties? Sender { get; }
}
