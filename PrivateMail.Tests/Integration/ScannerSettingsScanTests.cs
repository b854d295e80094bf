using System.Globalization;
using System.Text;
using PrivateMail.Domain.Mail;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.Faults;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Scanner.Preview;
using PrivateMail.Web.Features.Scanner.Settings;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Integration;

/// <summary>
/// The administrator's scanner settings over a real Dovecot and a real SQLite file: a saved value changes the next run
/// without a restart, the per-sender ticket cap holds a storm to five tickets an hour (the preview says the same), and the
/// ambiguity policy decides what one address matching three contacts binds.
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed class ScannerSettingsScanTests(DovecotFixture dovecot)
{
    private const string Robot = "loop@robot.example";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Twenty_replies_from_one_sender_create_five_tickets_the_rest_are_stored_with_the_ticket_cap_and_the_preview_says_the_same()
    {
        var folder = "cap-" + Guid.NewGuid().ToString("N")[..8];
        // An autoresponder that marks nothing as automatic (no Auto-Submitted, no Precedence): only the cap stops the loop.
        await RawAppend.DeliverAsync(dovecot, dovecot.Bob, folder, Enumerable.Range(1, 20).Select(i => Mail($"<r{i}.{folder}@robot.example>", $"Re: your message {i}", Robot)));
        await using var harness = await FaultScanHarness.StartAsync(o => o.BatchSize = 7);
        var mailboxId = await harness.AddMailboxAsync(dovecot.Host, dovecot.ImapPort, dovecot.Bob, folder);

        var preview = await PreviewAsync(harness, mailboxId, folder);
        Assert.Null(preview.Error);
        Assert.Equal(20, preview.Rows.Count);
        Assert.Equal(5, preview.WouldCreateTickets);
        Assert.Equal(15, preview.Rows.Count(r => r.Decision!.Reasons.Any(x => x.Code == DecisionReasonCode.NoTicketCap && x.Args[0] == Robot && x.Args[1] == "5")));

        var run = await harness.ScanAsync(mailboxId, Ct);

        Assert.Equal(20, run.Fetched);
        Assert.Equal(run.Fetched, run.Stored + run.Duplicates + run.Skipped + run.Failed);
        Assert.Equal((20, 5), (run.Stored, run.TicketsCreated));
        await using (var db = await harness.DbAsync())
        {
            Assert.Equal(5, await db.Tickets.CountAsync(t => t.SourceSender == Robot, Ct));
            Assert.Equal(20, await db.Emails.CountAsync(e => e.MailboxId == mailboxId, Ct));
            var outcomes = await db.ScanOutcomes.AsNoTracking().Where(o => o.RunId == run.RunId).ToListAsync(Ct);
            var capped = outcomes.Where(o => ScanNotes.CodeOf(o.Reason) == ScanNotes.TicketCap).ToList();
            Assert.Equal(15, capped.Count);
            Assert.All(capped, o => Assert.Equal(ScanOutcomeKind.Stored, o.Kind));
            // The owner reads why in their language on the run's outcomes.
            Assert.Equal($"Stored without a ticket: {Robot} reached the cap of 5 tickets per hour.", ScanNotes.Display(capped[0].Reason));
            // The preview named the same messages.
            var previewCapped = preview.Rows.Where(r => r.Decision!.Reasons.Any(x => x.Code == DecisionReasonCode.NoTicketCap)).Select(r => (long)r.Uid).Order();
            Assert.Equal(previewCapped, capped.Select(o => o.Uid).Order());
        }

        // Durable: a later run within the hour counts the tickets already in the database.
        await RawAppend.DeliverAsync(dovecot, dovecot.Bob, folder, [Mail($"<r21.{folder}@robot.example>", "Re: your message 21", Robot)]);
        var later = await harness.ScanAsync(mailboxId, Ct);
        Assert.Equal((1, 1, 0), (later.Fetched, later.Stored, later.TicketsCreated));
    }

    [Fact]
    public async Task A_saved_message_limit_applies_to_the_next_run_without_a_restart_and_reset_returns_to_the_default()
    {
        var folder = "limit-" + Guid.NewGuid().ToString("N")[..8];
        await RawAppend.DeliverAsync(dovecot, dovecot.Bob, folder, Enumerable.Range(1, 7).Select(i => Mail($"<l{i}.{folder}@customer.example>", $"Message {i}", $"person{i}@customer.example")));
        await using var harness = await FaultScanHarness.StartAsync();
        var mailboxId = await harness.AddMailboxAsync(dovecot.Host, dovecot.ImapPort, dovecot.Bob, folder);
        var settings = harness.Services.GetRequiredService<ScannerSettingsService>();
        Assert.Equal(2000, (await settings.GetAsync(Ct)).MaxMessagesPerRun);

        await using (var db = await harness.DbAsync())
        {
            var row = Row(settings.Defaults);
            row.MaxMessagesPerRun = 3;
            db.ScannerAdminSettings.Add(row);
            await db.SaveChangesAsync(Ct);
        }

        settings.Invalidate();
        var first = await harness.ScanAsync(mailboxId, Ct);
        var second = await harness.ScanAsync(mailboxId, Ct);

        await using (var db = await harness.DbAsync())
        {
            await db.ScannerAdminSettings.ExecuteDeleteAsync(Ct);
        }

        settings.Invalidate();
        var third = await harness.ScanAsync(mailboxId, Ct);

        Assert.Equal([3, 3, 1], new[] { first.Fetched, second.Fetched, third.Fetched });
    }

    [Theory]
    [InlineData(AmbiguityPolicy.BindAll)]
    [InlineData(AmbiguityPolicy.BindNoneAndFlag)]
    [InlineData(AmbiguityPolicy.BindMostRecentlyModified)]
    public async Task One_address_of_three_contacts_is_bound_as_the_policy_says_and_flagged_under_every_policy(AmbiguityPolicy policy)
    {
        var folder = "ambiguous-" + Guid.NewGuid().ToString("N")[..8];
        await RawAppend.DeliverAsync(dovecot, dovecot.Bob, folder, [Mail($"<a1.{folder}@shared.example>", "Who am I?", "office@shared.example")]);
        await using var harness = await FaultScanHarness.StartAsync(o => o.AmbiguityPolicy = policy);
        var records = new RecordFactory(harness.Services);
        var oldest = await records.ContactAsync(harness.OwnerId, "Anna", "Nowak", "office@shared.example");
        var recent = await records.ContactAsync(harness.OwnerId, "Piotr", "Zieliński", "office@shared.example");
        var third = await records.ContactAsync(harness.OwnerId, "Ewa", "Wiśniewska", "office@shared.example");
        await using (var db = await harness.DbAsync())
        {
            var now = DateTimeOffset.UtcNow;
            await db.Contacts.Where(c => c.Id == oldest).ExecuteUpdateAsync(s => s.SetProperty(c => c.ModifiedAt, now.AddDays(-3)), Ct);
            await db.Contacts.Where(c => c.Id == recent).ExecuteUpdateAsync(s => s.SetProperty(c => c.ModifiedAt, now.AddDays(-1)), Ct);
            await db.Contacts.Where(c => c.Id == third).ExecuteUpdateAsync(s => s.SetProperty(c => c.ModifiedAt, now.AddDays(-2)), Ct);
        }

        var mailboxId = await harness.AddMailboxAsync(dovecot.Host, dovecot.ImapPort, dovecot.Bob, folder);
        var run = await harness.ScanAsync(mailboxId, Ct);

        Assert.Equal((1, 1), (run.Stored, run.TicketsCreated));
        await using var check = await harness.DbAsync();
        var email = await check.Emails.Include(e => e.Links).SingleAsync(e => e.MailboxId == mailboxId, Ct);
        var boundContacts = email.Links.Where(l => l.RecordKind == RecordKind.Contact).Select(l => int.Parse(l.RecordId, CultureInfo.InvariantCulture)).Order().ToList();
        var ticket = await check.Tickets.SingleAsync(t => t.SourceMailboxId == mailboxId, Ct);
        var expected = policy switch
        {
            AmbiguityPolicy.BindAll => (Bound: new[] { oldest, recent, third }.Order().ToList(), TicketContact: (int?)oldest),
            AmbiguityPolicy.BindNoneAndFlag => (Bound: new List<int>(), TicketContact: (int?)null),
            _ => (Bound: new List<int> { recent }, TicketContact: (int?)recent),
        };
        Assert.Equal(expected.Bound, boundContacts);
        Assert.Equal(expected.TicketContact, ticket.ContactId);
        Assert.Contains(email.Links, l => l.RecordKind == RecordKind.Ticket && l.RecordId == ticket.Id.ToString(CultureInfo.InvariantCulture));
        // The candidates travel with the e-mail under every policy; the ticket's description no longer lists them.
        var candidates = await check.EmailAmbiguities.Where(a => a.EmailId == email.Id).Select(a => a.RecordId).ToListAsync(Ct);
        Assert.Equal(new[] { oldest, recent, third }.Select(i => i.ToString(CultureInfo.InvariantCulture)).Order(), candidates.Order());
        Assert.DoesNotContain("Other contacts", ticket.Description, StringComparison.Ordinal);
    }

    private static ScannerAdminSettings Row(ScannerOptions o) => new()
    {
        IntervalMinutes = o.IntervalMinutes, IntervalSeconds = o.IntervalSeconds, BatchSize = o.BatchSize, BatchBytes = o.BatchBytes,
        MaxMessagesPerRun = o.MaxMessagesPerRun, TimeBudget = o.TimeBudget, MaxMessageBytes = o.MaxMessageBytes,
        LockedRetryInterval = o.LockedRetryInterval, HistoryRetention = o.HistoryRetention,
        TicketCapPerSenderPerHour = o.TicketCapPerSenderPerHour, AmbiguityPolicy = o.AmbiguityPolicy, UpdatedAt = DateTimeOffset.UtcNow,
    };

    private async Task<PreviewResult> PreviewAsync(FaultScanHarness harness, int mailboxId, string folder)
    {
        Mailbox mailbox;
        await using (var db = await harness.DbAsync())
        {
            mailbox = await db.Mailboxes.AsNoTracking().SingleAsync(m => m.Id == mailboxId, Ct);
        }

        await using var scope = harness.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<PreviewRunner>().PreviewAsync(mailbox, new ImapEndpoint(dovecot.Host, dovecot.ImapPort, MailSecurity.None, false),
            new ImapCredentials(dovecot.Bob.Login, dovecot.Bob.Password), PreviewService.MaxMessages, null, Ct);
    }

    private static byte[] Mail(string messageId, string subject, string from) => Encoding.UTF8.GetBytes(
        $"From: Sender <{from}>\r\nTo: Bob <bob@example.test>\r\nSubject: {subject}\r\nMessage-ID: {messageId}\r\n" +
        $"Date: {DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture)}\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\r\n");
}
