using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Records.Tickets;
using PrivateMail.Web.Features.Scanner.Stages;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Features.Scanner.Preview;

/// <summary>
/// One message under test: its snapshot and what the decision reads from the database (the owner's records it may
/// match, ticket statuses, global exceptions), loaded once. Deciding again with other form values is then pure and
/// instant, so the tester follows every change of the form without a database round trip.
/// </summary>
public sealed class RuleTestMessage
{
    internal RuleTestMessage(MessageSnapshot snapshot, string ownerId, BatchRecordLookup lookup, ScanContext context)
    {
        Snapshot = snapshot;
        OwnerId = ownerId;
        Lookup = lookup;
        Context = context;
    }

    public MessageSnapshot Snapshot { get; }

    internal string OwnerId { get; }

    internal BatchRecordLookup Lookup { get; }

    internal ScanContext Context { get; }
}

/// <summary>
/// The rule tester: the scanner's own decision for one message (pasted, or picked from the preview) with the form's
/// unsaved actions, search fields and exceptions. Nothing is written and no mail server is asked. The records are the
/// signed-in user's — the owner comes from the authentication state, never from the page.
/// </summary>
public sealed class RuleTesterService(
    IDbContextFactory<AppDbContext> dbFactory,
    TicketStore tickets,
    CurrentUser currentUser,
    ModuleService modules)
{
    /// <summary>Parses pasted RFC 822 text; null when it is too long or not a message (the page says which).</summary>
    public static MessageSnapshot? Parse(string raw) => RawMessageParser.TryParse(raw);

    /// <summary>Loads what deciding about <paramref name="snapshot"/> needs, for the signed-in user's records.</summary>
    public async Task<RuleTestMessage> LoadAsync(MessageSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        modules.Demand(CrmModule.MyMail);
        var ownerId = await currentUser.GetRequiredIdAsync();
        var mailbox = new Mailbox { OwnerId = ownerId };
        var stage = await DecideStage.LoadAsync(dbFactory, tickets, mailbox, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var lookup = await BatchRecordLookup.LoadAsync(db, [snapshot], stage.Context.Closing, ownerId, cancellationToken);
        return new RuleTestMessage(snapshot, ownerId, lookup, stage.Context);
    }

    /// <summary>The decision, with its reasons, under the form's values as they are now.</summary>
    public static ScanDecision Decide(RuleTestMessage message, MailboxModel model)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(model);
        var mailbox = new Mailbox
        {
            OwnerId = message.OwnerId,
            EmailExceptions = [.. model.EmailExceptions],
            DomainExceptions = [.. model.DomainExceptions],
        };
        var settings = DecideStage.Settings(mailbox, model.Actions, [.. model.SearchFields]);
        var context = message.Context;
        return MailScanner.Decide(message.Snapshot, settings, context.Global, context.Statuses, message.Lookup, explainMatches: true);
    }
}
