using System.Text;
using MailKit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.Faults;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner.Preview;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Integration;

/// <summary>
/// The preview (dry run) over a real Dovecot folder and a real SQLite file: it writes nothing (every table's rows, the
/// ticket sequence, the cursor, the data folder's files and the messages' \Seen flags unchanged), and what it says per
/// message is what the scan then does — including the effects between messages (a reply to a ticket created earlier).
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed class PreviewTests(DovecotFixture dovecot)
{
    [Fact]
    public async Task Preview_writes_nothing_and_its_decisions_equal_what_the_scan_then_does()
    {
        var folder = "preview-" + Guid.NewGuid().ToString("N")[..8];
        var corpus = HostileMail.Build(folder).Select(m => m.Raw).ToList();
        var conversation = Conversation(folder);
        await RawAppend.DeliverAsync(dovecot, dovecot.Bob, folder, [.. conversation, .. corpus]);
        await using var harness = await FaultScanHarness.StartAsync(o => o.BatchSize = 7);
        var mailboxId = await harness.AddMailboxAsync(dovecot.Host, dovecot.ImapPort, dovecot.Bob, folder);
        var before = await SnapshotAsync(harness);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var preview = await PreviewAsync(harness, mailboxId, PreviewService.MaxMessages);
        TestContext.Current.TestOutputHelper?.WriteLine($"preview of {preview.Rows.Count} messages in {clock.Elapsed.TotalSeconds:0.00} s");

        Assert.Null(preview.Error);
        Assert.Equal(conversation.Count + corpus.Count, preview.Rows.Count);
        Assert.Equal(before, await SnapshotAsync(harness));
        Assert.Equal(0, await SeenCountAsync(folder));

        // The conversation: two new tickets, a reply found by its thread (bound to the ticket created two messages
        // earlier, no third ticket), an automatic reply (no ticket), and a second copy of the first message (duplicate).
        var first = preview.Rows[0];
        Assert.NotNull(first.TicketCreated);
        Assert.NotNull(preview.Rows[1].TicketCreated);
        Assert.Null(preview.Rows[2].TicketCreated);
        Assert.Contains(first.TicketCreated, preview.Rows[2].BoundTo);
        Assert.Contains(preview.Rows[2].Decision!.Reasons, r => r.Code == DecisionReasonCode.TicketInThread && r.Args[0] == first.TicketCreated);
        Assert.Null(preview.Rows[3].TicketCreated);
        Assert.Equal((ScanOutcomeKind.Duplicate, null), (preview.Rows[4].Outcome, preview.Rows[4].TicketCreated));

        var runs = await harness.ScanUntilNothingNewAsync(mailboxId);
        await using var db = await harness.DbAsync();
        var outcomes = await db.ScanOutcomes.AsNoTracking().Where(o => o.Folder == folder).ToListAsync();
        var scanned = outcomes.ToDictionary(o => (uint)o.Uid, o => o.Kind);
        Assert.Equal(preview.Rows.Count, scanned.Count);
        Assert.All(preview.Rows, row => Assert.True(scanned[row.Uid] == row.Outcome, $"UID {row.Uid} \"{row.Subject}\": preview {row.Outcome}, scan {scanned[row.Uid]}"));

        var created = await db.Tickets.AsNoTracking().Where(t => t.SourceMailboxId == mailboxId).Select(t => t.Sequence).ToListAsync();
        Assert.Equal(preview.Rows.Select(r => r.TicketCreated).OfType<string>().Order(), created.Select(s => "T" + s).Order());
        Assert.Equal(preview.WouldCreateTickets, created.Count);
        Assert.Equal(runs.Sum(r => r.Stored), preview.WouldStore);
        Assert.Equal(runs.Sum(r => r.Failed), preview.WouldFail);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{preview.Rows.Count} previewed: {preview.WouldStore} store, {preview.WouldBind} bind, {preview.WouldCreateTickets} tickets, {preview.AlreadyStored} duplicates, {preview.WouldFail} fail");

        // What the mailbox stored already counts as stored: a second preview finds duplicates, creates no ticket.
        var again = await PreviewAsync(harness, mailboxId, PreviewService.MaxMessages);
        Assert.Equal(0, again.WouldCreateTickets);
        Assert.Equal(0, again.WouldStore);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(1)]
    public async Task A_reply_naming_the_number_of_a_ticket_the_preview_would_create_answers_it_in_the_preview_and_in_the_scan(int batchSize)
    {
        var folder = "preview-number-" + Guid.NewGuid().ToString("N")[..8];
        await using var harness = await FaultScanHarness.StartAsync(o => o.BatchSize = batchSize);
        string number;
        await using (var db = await harness.DbAsync())
        {
            var sequence = await db.RecordSequences.AsNoTracking().SingleAsync(s => s.Name == RecordSequence.Tickets);
            number = sequence.Prefix + sequence.Next;
        }

        // No In-Reply-To or References: only the number in the subject ties the reply to the ticket.
        await RawAppend.DeliverAsync(dovecot, dovecot.Bob, folder,
        [
            Mail($"<ask.{folder}@customer.example>", "Printer on fire"),
            Mail($"<num.{folder}@customer.example>", $"Re: [{number}] Printer on fire"),
        ]);
        var mailboxId = await harness.AddMailboxAsync(dovecot.Host, dovecot.ImapPort, dovecot.Bob, folder);

        var preview = await PreviewAsync(harness, mailboxId, PreviewService.MaxMessages);

        Assert.Equal(number, preview.Rows[0].TicketCreated);
        var reply = preview.Rows[1];
        Assert.Null(reply.TicketCreated);
        Assert.Contains(number, reply.BoundTo);
        Assert.Contains(reply.Decision!.Reasons, r => r.Code == DecisionReasonCode.TicketInSubject && r.Args[0] == number);
        Assert.Equal(1, preview.WouldCreateTickets);

        await harness.ScanUntilNothingNewAsync(mailboxId);
        await using var scanned = await harness.DbAsync();
        var outcomes = await scanned.ScanOutcomes.AsNoTracking().Where(o => o.Folder == folder).ToDictionaryAsync(o => (uint)o.Uid, o => o.Kind);
        Assert.All(preview.Rows, row => Assert.Equal(row.Outcome, outcomes[row.Uid]));
        var tickets = await scanned.Tickets.AsNoTracking().Where(t => t.SourceMailboxId == mailboxId).ToListAsync();
        Assert.Equal(number, Assert.Single(tickets).Number);
        var replyEmail = await scanned.Emails.AsNoTracking().SingleAsync(e => e.MessageId == $"num.{folder}@customer.example");
        Assert.True(await scanned.EmailLinks.AnyAsync(l => l.EmailId == replyEmail.Id && l.RecordKind == PrivateMail.Domain.Scanning.RecordKind.Ticket && l.RecordId == tickets[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task With_create_email_off_the_preview_does_not_promise_again_a_status_change_a_scan_already_made()
    {
        var folder = "preview-applied-" + Guid.NewGuid().ToString("N")[..8];
        await using var harness = await FaultScanHarness.StartAsync();
        var records = new RecordFactory(harness.Services);
        var contact = await records.ContactAsync(harness.OwnerId, "Client", "Customer", "client@customer.example");
        var ticket = await records.TicketAsync(harness.OwnerId, "Printer jams", PrivateMail.Domain.Records.TicketStatuses.Closed, contact);
        var number = ticket.Number.ToString();
        await RawAppend.DeliverAsync(dovecot, dovecot.Bob, folder, [Mail($"<again.{folder}@customer.example>", $"Re: Printer jams {ticket.Number.ToSubjectTag()}")]);
        var mailboxId = await harness.AddMailboxAsync(dovecot.Host, dovecot.ImapPort, dovecot.Bob, folder);
        int closed;
        await using (var db = await harness.DbAsync())
        {
            // Create e-mail off: no stored e-mail can tell the scan (or the preview) that this reply was read before.
            await db.Mailboxes.Where(m => m.Id == mailboxId).ExecuteUpdateAsync(m => m.SetProperty(x => x.Actions, ScannerActions.OpenTicket | ScannerActions.CreateTicket));
            closed = await db.TicketStatuses.Where(t => t.Name == PrivateMail.Domain.Records.TicketStatuses.Closed).Select(t => t.Id).SingleAsync();
        }

        var before = Assert.Single((await PreviewAsync(harness, mailboxId, PreviewService.MaxMessages)).Rows);
        Assert.Equal((number, true), (before.TicketOpened, before.TicketReopened));

        Assert.Equal(1, (await harness.ScanAsync(mailboxId)).TicketsOpened);
        await using (var db = await harness.DbAsync())
        {
            await db.Tickets.Where(t => t.Id == ticket.Id).ExecuteUpdateAsync(t => t.SetProperty(x => x.StatusId, closed));
        }

        // The same reply read again (a preview reads the newest messages, seen or not): the change was made once already.
        var preview = await PreviewAsync(harness, mailboxId, PreviewService.MaxMessages);
        var after = Assert.Single(preview.Rows);
        Assert.Null(after.TicketOpened);
        Assert.Equal(0, preview.WouldReopen);
        Assert.DoesNotContain(after.Decision!.Reasons, r => r.Code == DecisionReasonCode.TicketReopened);
        Assert.Contains(after.Decision.Reasons, r => r.Code == DecisionReasonCode.TicketChangedBefore && r.Args[0] == number);
    }

    [Fact]
    public async Task Preview_reads_only_the_newest_messages_up_to_the_limit()
    {
        var folder = "preview-newest-" + Guid.NewGuid().ToString("N")[..8];
        await RawAppend.DeliverAsync(dovecot, dovecot.Bob, folder, Enumerable.Range(1, 8).Select(i => Mail($"<n{i}.{folder}@customer.example>", $"Message {i}")));
        await using var harness = await FaultScanHarness.StartAsync();
        var mailboxId = await harness.AddMailboxAsync(dovecot.Host, dovecot.ImapPort, dovecot.Bob, folder);

        var preview = await PreviewAsync(harness, mailboxId, 3);

        Assert.Equal(["Message 6", "Message 7", "Message 8"], preview.Rows.Select(r => r.Subject));
    }

    private async Task<PreviewResult> PreviewAsync(FaultScanHarness harness, int mailboxId, int messages)
    {
        Mailbox mailbox;
        await using (var db = await harness.DbAsync())
        {
            mailbox = await db.Mailboxes.AsNoTracking().SingleAsync(m => m.Id == mailboxId);
        }

        await using var scope = harness.Services.CreateAsyncScope();
        var service = scope.ServiceProvider.GetRequiredService<PreviewRunner>();
        return await service.PreviewAsync(mailbox, new ImapEndpoint(dovecot.Host, dovecot.ImapPort, MailSecurity.None, false),
            new ImapCredentials(dovecot.Bob.Login, dovecot.Bob.Password), messages, null, TestContext.Current.CancellationToken);
    }

    private static List<byte[]> Conversation(string folder)
    {
        var first = $"<start.{folder}@customer.example>";
        return
        [
            Mail(first, "Printer on fire"),
            Mail($"<other.{folder}@customer.example>", "Another question"),
            Mail($"<reply.{folder}@customer.example>", "Re: Printer on fire", $"In-Reply-To: {first}\r\nReferences: {first}\r\n"),
            Mail($"<ooo.{folder}@customer.example>", "Out of office", "Auto-Submitted: auto-replied\r\n"),
            Mail(first, "Printer on fire"),
        ];
    }

    private static byte[] Mail(string messageId, string subject, string headers = "") => Encoding.ASCII.GetBytes(
        $"From: Client <client@customer.example>\r\nTo: bob@example.test\r\nSubject: {subject}\r\nDate: Mon, 2 Nov 2026 10:00:00 +0000\r\n" +
        $"Message-ID: {messageId}\r\n{headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHello about {subject}.\r\n");

    /// <summary>Rows of every table the scanner writes, the ticket sequence, the cursors and the data folder's files.</summary>
    private static async Task<string> SnapshotAsync(FaultScanHarness harness)
    {
        await using var db = await harness.DbAsync();
        var counts = new[]
        {
            await db.Emails.CountAsync(), await db.EmailLinks.CountAsync(), await db.Tickets.CountAsync(), await db.FolderCursors.CountAsync(),
            await db.ScanRuns.CountAsync(), await db.ScanOutcomes.CountAsync(), await db.FailedMessages.CountAsync(),
        };
        var next = await db.RecordSequences.Select(s => s.Name + "=" + s.Next).ToListAsync();
        var cursors = await db.FolderCursors.Select(c => c.Folder + ":" + c.LastUid).ToListAsync();
        var files = Directory.EnumerateFiles(harness.Database.Directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".db", StringComparison.Ordinal) && !f.Contains(".db-", StringComparison.Ordinal) && !f.Contains("keys", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        return string.Join(" | ", string.Join(",", counts), string.Join(",", next), string.Join(",", cursors), string.Join(",", files));
    }

    private async Task<int> SeenCountAsync(string folder)
    {
        using var client = await dovecot.ConnectAsync(dovecot.Bob, MailKit.Security.SecureSocketOptions.None);
        var opened = await client.GetFolderAsync(folder);
        await opened.OpenAsync(FolderAccess.ReadOnly);
        var summaries = await opened.FetchAsync(0, -1, MessageSummaryItems.Flags);
        return summaries.Count(s => s.Flags?.HasFlag(MessageFlags.Seen) == true);
    }
}
