using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Secrets;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Web.Features.Scanner;

/// <summary>
/// The scanner's stages over the in-memory mail source and a real SQLite file: decisions, outcomes and safety rules
/// that need no IMAP server (the MailKit source's contract and the fault suite run against Dovecot).
/// </summary>
public sealed class ScanStageTests : IAsyncLifetime
{
    private const string Inbox = "INBOX";
    private readonly TestDatabase _database = new();
    private readonly InMemoryMailSource _source = new();
    private AppServices? _app;
    private string _owner = "";

    private IServiceProvider Services => _app!.Services;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await AppServices.StartAsync(_database, configure: s => s.AddSingleton<IMailSource>(_source));
        await using var db = await Db();
        var user = new ApplicationUser { UserName = "olga", NormalizedUserName = "OLGA", Email = "olga@crm.example", SecurityStamp = "x" };
        db.Users.Add(user);
        await db.SaveChangesAsync(Ct);
        _owner = user.Id;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _database.Dispose();
    }

    private Task<AppDbContext> Db() => Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);

    private async Task<int> MailboxAsync(string[]? folders = null, ScannerActions? actions = null, string[]? emailExceptions = null)
    {
        await using var db = await Db();
        var server = new MailServer { Name = "Memory", ImapHost = "memory.invalid", ImapPort = 143, ImapSecurity = MailSecurity.None };
        db.MailServers.Add(server);
        await db.SaveChangesAsync(Ct);
        var mailbox = new Mailbox
        {
            OwnerId = _owner, Name = "Olga", MailServerId = server.Id, Login = "olga",
            PasswordProtected = Services.GetRequiredService<SecretProtector>().Protect("secret"),
            Folders = [.. folders ?? [Inbox]],
            Actions = actions ?? ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket,
            SearchFields = [.. SearchFields.DefaultKeys],
            EmailExceptions = [.. emailExceptions ?? []],
        };
        db.Mailboxes.Add(mailbox);
        await db.SaveChangesAsync(Ct);
        return mailbox.Id;
    }

    private static MimeMessage Message(string from, string subject, string? id = null, string body = "Hello")
    {
        var message = new MimeMessage { Subject = subject, MessageId = id ?? $"{Guid.NewGuid():N}@mail.example", Date = DateTimeOffset.UtcNow };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress("Olga", "olga@crm.example"));
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    private async Task<Mailbox> LoadMailboxAsync(int mailboxId)
    {
        await using var db = await Db();
        return await db.Mailboxes.AsNoTracking().SingleAsync(m => m.Id == mailboxId, Ct);
    }

    /// <summary>The parse stage a scan of <paramref name="mailbox"/>'s inbox runs, with the app's scanner options unless others are given.</summary>
    private PrivateMail.Web.Features.Scanner.Stages.ParseStage ParseStageFor(Mailbox mailbox, ScannerOptions? options = null) => new(
        Services.GetRequiredService<PrivateMail.Web.Features.Records.Emails.EmailStore>(), mailbox, Inbox, 1,
        options ?? Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ScannerOptions>>().Value, TimeProvider.System);

    private static async Task<byte[]> RawAsync(MimeMessage message)
    {
        using var raw = new MemoryStream();
        await message.WriteToAsync(raw, Ct);
        return raw.ToArray();
    }

    private async Task<ScanProgress> ScanAsync(int mailboxId, bool expectDone = true)
    {
        var run = await Services.GetRequiredService<ScanCoordinator>().RunAsync(mailboxId, null, Ct) ?? throw new InvalidOperationException("The scan did not run.");
        Assert.True(!expectDone || run.Status == ScanRunStatus.Done, $"The scan ended {run.Status}: {ScanNotes.Display(run.FirstError)}");
        return run;
    }

    private async Task<List<ScanOutcome>> OutcomesAsync(int runId)
    {
        await using var db = await Db();
        return await db.ScanOutcomes.Where(o => o.RunId == runId).OrderBy(o => o.Id).ToListAsync(Ct);
    }

    [Fact]
    public async Task Every_fetched_message_has_exactly_one_outcome_and_the_counters_add_up()
    {
        var mailboxId = await MailboxAsync(emailExceptions: ["noreply@shop.example"]);
        var twice = Message("Anna <anna@somewhere.example>", "Twice");
        _source.Append(Inbox, Message("Anna <anna@somewhere.example>", "Stored"));
        _source.Append(Inbox, Message("Shop <noreply@shop.example>", "Excepted"));
        _source.Append(Inbox, twice);
        _source.Append(Inbox, twice);
        var refused = _source.Append(Inbox, Message("Anna <anna@somewhere.example>", "Damaged on the server"));
        _source.Refuse(Inbox, refused);
        var huge = _source.Append(Inbox, Message("Anna <anna@somewhere.example>", "Huge"), claimedSize: 60L * 1024 * 1024);

        var run = await ScanAsync(mailboxId);

        Assert.Equal(ScanRunStatus.Done, run.Status);
        Assert.Equal(6, run.Fetched);
        Assert.Equal((2, 1, 1, 2), (run.Stored, run.Duplicates, run.Skipped, run.Failed));
        Assert.Equal(run.Fetched, run.Stored + run.Duplicates + run.NotStored + run.Skipped + run.Failed);
        var outcomes = await OutcomesAsync(run.RunId);
        Assert.Equal(
            [ScanOutcomeKind.Stored, ScanOutcomeKind.Skipped, ScanOutcomeKind.Stored, ScanOutcomeKind.Duplicate, ScanOutcomeKind.Quarantined, ScanOutcomeKind.Quarantined],
            outcomes.Select(o => o.Kind));
        Assert.Equal(outcomes[2].EmailId, outcomes[3].EmailId);
        Assert.Equal("SenderExcepted", ScanNotes.CodeOf(outcomes[1].Reason));
        Assert.Equal(ScanNotes.Refused, ScanNotes.CodeOf(outcomes[4].Reason));
        Assert.Equal(ScanNotes.TooLarge, ScanNotes.CodeOf(outcomes[5].Reason));
        Assert.Equal("Huge", outcomes[5].Subject);

        // The oversized message was quarantined from its headers: its body was never downloaded.
        Assert.DoesNotContain(huge, _source.BodiesFetched);
        Assert.Contains(huge, _source.HeadersFetched);
        await using var db = await Db();
        var failed = await db.FailedMessages.OrderBy(f => f.Uid).ToListAsync(Ct);
        Assert.Equal([(long)refused, huge], failed.Select(f => f.Uid));
        Assert.True(failed[1].Size < 10_000);
        Assert.Equal(6, await db.FolderCursors.Where(c => c.MailboxId == mailboxId).Select(c => c.LastUid).SingleAsync(Ct));
        var row = await db.ScanRuns.SingleAsync(r => r.Id == run.RunId, Ct);
        Assert.Equal((6, 2, 1, 1, 2), (row.Fetched, row.Stored, row.Duplicates, row.Skipped, row.Failed));
    }

    [Fact]
    public async Task Attachment_files_written_ahead_stay_only_for_stored_mail_and_nothing_is_left_in_incoming()
    {
        var mailboxId = await MailboxAsync(emailExceptions: ["noreply@shop.example"]);
        static MimeMessage WithAttachment(string from, string subject, string content)
        {
            var message = Message(from, subject);
            var body = new BodyBuilder { TextBody = "See the file." };
            body.Attachments.Add("file.pdf", System.Text.Encoding.ASCII.GetBytes(content), new ContentType("application", "pdf"));
            message.Body = body.ToMessageBody();
            return message;
        }

        var stored = WithAttachment("Anna <anna@somewhere.example>", "Offer", "the offer");
        _source.Append(Inbox, stored);
        _source.Append(Inbox, WithAttachment("Shop <noreply@shop.example>", "Newsletter", "the newsletter"));
        // The same message again in the same batch: parsed (and its file written ahead) before the first is stored.
        _source.Append(Inbox, stored);

        var run = await ScanAsync(mailboxId);

        Assert.Equal((1, 1, 1), (run.Stored, run.Skipped, run.Duplicates));
        var files = Services.GetRequiredService<PrivateMail.Web.Features.Records.Emails.AttachmentStore>();
        static string Hash(string content) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(content)));
        Assert.Equal("the offer", await File.ReadAllTextAsync(files.PathFor(Hash("the offer")), Ct));
        Assert.False(files.Exists(Hash("the newsletter")));
        var incoming = Path.Combine(_database.Directory, "attachments", "incoming");
        Assert.Empty(Directory.Exists(incoming) ? Directory.GetFiles(incoming) : []);
        Assert.Single(Directory.GetFiles(Path.Combine(_database.Directory, "attachments"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_different_message_reusing_a_message_id_is_stored_and_marked_while_copies_of_one_message_stay_one_e_mail()
    {
        var mailboxId = await MailboxAsync(folders: [Inbox, "Sent"]);
        var original = Message("Anna <anna@somewhere.example>", "Report", "same-id@broken.example", body: "First report");
        var impostor = Message("Anna <anna@somewhere.example>", "Report", "same-id@broken.example", body: "A completely different report");
        _source.Append(Inbox, original);
        _source.Append(Inbox, impostor);
        // The server's own copy of the first one, with headers added on the way: still the same message.
        var copy = Message("Anna <anna@somewhere.example>", "Report", "same-id@broken.example", body: "First report");
        copy.Headers.Add("X-Delivered-To", "olga@crm.example");
        copy.Headers.Add("Received", "from relay.example by mx.example; Mon, 30 Nov 2026 00:00:00 +0000");
        _source.Append("Sent", copy);

        var run = await ScanAsync(mailboxId);

        Assert.Equal((3, 2, 1), (run.Fetched, run.Stored, run.Duplicates));
        var outcomes = await OutcomesAsync(run.RunId);
        Assert.Null(outcomes[0].Reason);
        Assert.Equal(ScanNotes.ReusedMessageId, ScanNotes.CodeOf(outcomes[1].Reason));
        Assert.Contains(outcomes[0].EmailId!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), ScanNotes.Display(outcomes[1].Reason), StringComparison.Ordinal);
        Assert.Equal(ScanOutcomeKind.Duplicate, outcomes[2].Kind);
        Assert.Equal(outcomes[0].EmailId, outcomes[2].EmailId);
        await using var db = await Db();
        Assert.Equal(["A completely different report", "First report"], (await db.Emails.Select(e => e.TextBody).ToListAsync(Ct)).Select(t => t.Trim()).Order());
    }

    [Fact]
    public async Task Sizes_are_asked_a_few_batches_ahead_of_the_bodies_not_for_the_whole_folder_first()
    {
        // Batches of 2, sizes for 4 batches (8 UIDs) per request: 20 new messages take three requests, in UID order,
        // each before its own bodies; a run limited to 10 messages asks only what it fetches (two requests).
        int? mailboxId = null;
        async Task<int> RestartAsync(int? limit)
        {
            await _app!.DisposeAsync();
            _app = await AppServices.StartAsync(_database, configure: s =>
            {
                s.AddSingleton<IMailSource>(_source);
                s.Configure<ScannerOptions>(o =>
                {
                    o.BatchSize = 2;
                    o.MaxMessagesPerRun = limit ?? o.MaxMessagesPerRun;
                });
            });
            _source.Described.Clear();
            _source.Requests.Clear();
            if (mailboxId is { } id)
            {
                // The restarted app has new Data Protection keys: the password is saved again with them.
                await using var db = await Db();
                var password = Services.GetRequiredService<SecretProtector>().Protect("secret");
                await db.Mailboxes.Where(m => m.Id == id).ExecuteUpdateAsync(u => u.SetProperty(m => m.PasswordProtected, password), Ct);
                return id;
            }

            return (mailboxId = await MailboxAsync()).Value;
        }

        for (var i = 1; i <= 20; i++)
        {
            _source.Append(Inbox, Message("Anna <anna@somewhere.example>", $"Message {i}", $"m{i}@somewhere.example"));
        }

        var run = await ScanAsync(await RestartAsync(null));

        Assert.Equal(20, run.Stored);
        var chunk = 2 * PrivateMail.Web.Features.Scanner.Stages.FetchStage.BatchesPerDescription;
        Assert.Equal([chunk, chunk, 20 - 2 * chunk], _source.Described.Select(d => d.Count));
        Assert.Equal(_source.Requests.SelectMany(r => r), _source.Described.SelectMany(d => d));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (uint)i), _source.Described.SelectMany(d => d));

        // 20 more, the run limited to 10 messages.
        for (var i = 21; i <= 40; i++)
        {
            _source.Append(Inbox, Message("Anna <anna@somewhere.example>", $"Message {i}", $"m{i}@somewhere.example"));
        }

        var limited = await ScanAsync(await RestartAsync(10));

        Assert.Equal(10, limited.Stored);
        Assert.Equal([chunk, 10 - chunk], _source.Described.Select(d => d.Count));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task A_fetch_stage_already_stopped_or_past_its_deadline_asks_for_no_sizes_and_no_bodies(bool stopped, bool pastDeadline)
    {
        for (var i = 1; i <= 5; i++)
        {
            _source.Append(Inbox, Message("Anna <anna@somewhere.example>", $"Message {i}", $"m{i}@somewhere.example"));
        }

        var (session, _) = await _source.OpenAsync(new ImapEndpoint("memory.invalid", 143, MailSecurity.None, false), new ImapCredentials("olga", "secret"), Ct);
        await using (session!)
        {
            await session!.OpenFolderAsync(Inbox, Ct);
            using var stop = new CancellationTokenSource();
            if (stopped)
            {
                await stop.CancelAsync();
            }

            var output = System.Threading.Channels.Channel.CreateUnbounded<PrivateMail.Web.Features.Scanner.Stages.FetchedBatch>();
            var stage = new PrivateMail.Web.Features.Scanner.Stages.FetchStage(session, new ScannerOptions { BatchSize = 2 }, TimeProvider.System);
            var deadline = pastDeadline ? DateTimeOffset.UtcNow.AddMinutes(-1) : DateTimeOffset.MaxValue;

            await stage.RunAsync([1u, 2u, 3u, 4u, 5u], deadline, output.Writer, new PrivateMail.Web.Features.Scanner.Stages.StageClock("fetch"), stop.Token, Ct);

            Assert.Empty(_source.Described);
            Assert.Empty(_source.Requests);
            Assert.True(output.Reader.Completion.IsCompleted);
        }
    }

    [Fact]
    public async Task With_one_message_per_batch_each_batch_sees_the_tickets_the_batches_before_it_created()
    {
        // The records of the next batch are read while the writer writes this one; the tickets, threads and statuses
        // must still be read after the batch before is committed. One message per batch puts every dependency across a
        // batch boundary: the reply by thread, the reply naming the ticket, and the sender's ticket cap.
        await _app!.DisposeAsync();
        _app = await AppServices.StartAsync(_database, configure: s =>
        {
            s.AddSingleton<IMailSource>(_source);
            s.Configure<ScannerOptions>(o =>
            {
                o.BatchSize = 1;
                o.TicketCapPerSenderPerHour = 2;
            });
        });
        var mailboxId = await MailboxAsync();
        var first = Message("Anna <anna@somewhere.example>", "Printer jams", "first@somewhere.example");
        _source.Append(Inbox, first);
        var byThread = Message("Anna <anna@somewhere.example>", "Re: Printer jams", "second@somewhere.example");
        byThread.InReplyTo = "first@somewhere.example";
        _source.Append(Inbox, byThread);
        _source.Append(Inbox, Message("Anna <anna@somewhere.example>", "Another problem", "third@somewhere.example"));
        _source.Append(Inbox, Message("Anna <anna@somewhere.example>", "A third problem", "fourth@somewhere.example"));

        var run = await ScanAsync(mailboxId);

        Assert.Equal((4, 4, 2), (run.Fetched, run.Stored, run.TicketsCreated));
        await using var db = await Db();
        var tickets = await db.Tickets.OrderBy(t => t.Id).ToListAsync(Ct);
        Assert.Equal(["Printer jams", "Another problem"], tickets.Select(t => t.Title));
        var firstTicket = tickets[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var reply = await db.Emails.SingleAsync(e => e.MessageId == "second@somewhere.example", Ct);
        Assert.Contains(firstTicket, await db.EmailLinks.Where(l => l.EmailId == reply.Id && l.RecordKind == RecordKind.Ticket).Select(l => l.RecordId).ToListAsync(Ct));
        var outcomes = await OutcomesAsync(run.RunId);
        Assert.Equal(ScanNotes.TicketCap, ScanNotes.CodeOf(outcomes[3].Reason));

        // The next run, one batch again: the reply naming the ticket answers it instead of opening another.
        _source.Append(Inbox, Message("Anna <anna@somewhere.example>", $"Re: Printer jams [{tickets[0].Number}]", "fifth@somewhere.example"));
        var next = await ScanAsync(mailboxId);
        Assert.Equal((1, 1, 0), (next.Fetched, next.Stored, next.TicketsCreated));
        await using var check = await Db();
        var named = await check.Emails.SingleAsync(e => e.MessageId == "fifth@somewhere.example", Ct);
        Assert.Equal([firstTicket], await check.EmailLinks.Where(l => l.EmailId == named.Id && l.RecordKind == RecordKind.Ticket).Select(l => l.RecordId).ToListAsync(Ct));
    }

    [Fact]
    public async Task Entity_framework_runs_as_many_commands_for_six_batches_with_ticket_replies_as_for_one_plain_message()
    {
        // EF Core stays out of the write path that repeats: what a scan runs through it is its set-up and its end, the
        // same for any number of messages and batches; every message's and every batch's writes (e-mails, links,
        // tickets, status changes, outcomes, the cursor) are the stages' own prepared SQL. One message per batch makes
        // six transactions, so a per-batch statement through EF would show as five more; three replies reopen tickets.
        var counter = new EfCommandLog();
        await _app!.DisposeAsync();
        _app = await AppServices.StartAsync(_database, configure: s =>
        {
            s.AddSingleton<IMailSource>(_source);
            s.Configure<ScannerOptions>(o => o.BatchSize = 1);
            s.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(counter));
        });
        var records = new RecordFactory(Services);
        var contact = await records.ContactAsync(_owner, "Jan", "Kowalski", "jan@customer.example");
        var waiting = new List<(string Title, PrivateMail.Web.Features.Records.Tickets.CreatedTicket Ticket)>();
        for (var i = 0; i < 3; i++)
        {
            waiting.Add(($"Printer {i} jams", await records.TicketAsync(_owner, $"Printer {i} jams", TicketStatuses.WaitingForResponse, contact)));
        }

        var mailboxId = await MailboxAsync();
        _source.Append(Inbox, Message("Jan <jan@customer.example>", "The first scan makes the folder's cursor"));
        await ScanAsync(mailboxId);

        _source.Append(Inbox, Message("Jan <jan@customer.example>", "One plain message"));
        var one = await counter.WithinAsync(() => ScanAsync(mailboxId));

        foreach (var (title, ticket) in waiting)
        {
            _source.Append(Inbox, Message("Jan <jan@customer.example>", $"Re: {title} {ticket.Number.ToSubjectTag()}"));
        }

        for (var i = 0; i < 3; i++)
        {
            _source.Append(Inbox, Message("Jan <jan@customer.example>", $"Plain message {i}"));
        }

        var six = await counter.WithinAsync(() => ScanAsync(mailboxId));

        Assert.Equal((1, 1), (one.Result.Fetched, one.Result.Stored));
        Assert.Equal((6, 6, 3), (six.Result.Fetched, six.Result.Stored, six.Result.TicketsOpened));
        await using (var db = await Db())
        {
            var ids = waiting.Select(w => w.Ticket.Id).ToList();
            Assert.All(await db.Tickets.Where(t => ids.Contains(t.Id)).Select(t => t.Status!.Name).ToListAsync(Ct), s => Assert.Equal(TicketStatuses.Answered, s));
            Assert.Equal(8, await db.FolderCursors.Where(c => c.MailboxId == mailboxId).Select(c => c.LastUid).SingleAsync(Ct));
        }

        Assert.True(one.Commands.Count == six.Commands.Count,
            $"EF Core ran {one.Commands.Count} commands for one message and {six.Commands.Count} for six; times each ran for six (for one):\n"
            + string.Join("\n", six.Commands.Concat(one.Commands).Distinct().Select(c => $"{six.Commands.Count(x => x == c)} ({one.Commands.Count(x => x == c)}) × {c}")));
    }

    [Fact]
    public async Task A_reply_seen_again_in_another_folder_does_not_reopen_a_ticket_closed_in_between()
    {
        var records = new RecordFactory(Services);
        var contact = await records.ContactAsync(_owner, "Jan", "Kowalski", "jan@customer.example");
        var ticket = await records.TicketAsync(_owner, "Printer jams", TicketStatuses.WaitingForResponse, contact);
        var mailboxId = await MailboxAsync(folders: [Inbox, "Archive"]);
        var reply = Message("Jan <jan@customer.example>", $"Re: Printer jams {ticket.Number.ToSubjectTag()}", "reply-1@customer.example");
        _source.Append(Inbox, reply);

        var first = await ScanAsync(mailboxId);
        Assert.Equal(1, first.TicketsOpened);
        await using (var db = await Db())
        {
            Assert.Equal(TicketStatuses.Answered, await db.Tickets.Where(t => t.Id == ticket.Id).Select(t => t.Status!.Name).SingleAsync(Ct));
            var closed = await db.TicketStatuses.Where(s => s.Name == TicketStatuses.Closed).Select(s => s.Id).SingleAsync(Ct);
            await db.Tickets.Where(t => t.Id == ticket.Id).ExecuteUpdateAsync(t => t.SetProperty(x => x.StatusId, closed), Ct);
        }

        // The user files the reply in Archive: the scanner sees it once more.
        _source.Append("Archive", reply);
        var second = await ScanAsync(mailboxId);

        Assert.Equal((1, 1, 0), (second.Fetched, second.Duplicates, second.TicketsOpened));
        await using var check = await Db();
        Assert.Equal(TicketStatuses.Closed, await check.Tickets.Where(t => t.Id == ticket.Id).Select(t => t.Status!.Name).SingleAsync(Ct));
    }

    [Fact]
    public async Task With_create_email_off_a_reply_seen_again_does_not_reopen_a_ticket_closed_in_between()
    {
        // No e-mail is stored to recognise the reply by: the status change itself is remembered per message.
        var records = new RecordFactory(Services);
        var contact = await records.ContactAsync(_owner, "Jan", "Kowalski", "jan@customer.example");
        var ticket = await records.TicketAsync(_owner, "Printer jams", TicketStatuses.WaitingForResponse, contact);
        var mailboxId = await MailboxAsync(folders: [Inbox, "Archive"], actions: ScannerActions.OpenTicket | ScannerActions.CreateTicket);
        var reply = Message("Jan <jan@customer.example>", $"Re: Printer jams {ticket.Number.ToSubjectTag()}", "reply-1@customer.example");
        _source.Append(Inbox, reply);

        var first = await ScanAsync(mailboxId);
        Assert.Equal((1, 0, 1), (first.Fetched, first.Stored, first.TicketsOpened));
        await using (var db = await Db())
        {
            Assert.Equal(TicketStatuses.Answered, await db.Tickets.Where(t => t.Id == ticket.Id).Select(t => t.Status!.Name).SingleAsync(Ct));
            var closed = await db.TicketStatuses.Where(s => s.Name == TicketStatuses.Closed).Select(s => s.Id).SingleAsync(Ct);
            await db.Tickets.Where(t => t.Id == ticket.Id).ExecuteUpdateAsync(t => t.SetProperty(x => x.StatusId, closed), Ct);
        }

        _source.Append("Archive", reply);
        var second = await ScanAsync(mailboxId);

        Assert.Equal((1, 0, 0), (second.Fetched, second.Stored, second.TicketsOpened));
        await using var check = await Db();
        Assert.Equal(TicketStatuses.Closed, await check.Tickets.Where(t => t.Id == ticket.Id).Select(t => t.Status!.Name).SingleAsync(Ct));
        Assert.Equal(0, await check.Emails.CountAsync(Ct));

        // A different reply to the same ticket is a new message: it still reopens it.
        _source.Append(Inbox, Message("Jan <jan@customer.example>", $"Re: Printer jams {ticket.Number.ToSubjectTag()}", "reply-2@customer.example", "Still jams"));
        var third = await ScanAsync(mailboxId);
        Assert.Equal(1, third.TicketsOpened);
    }

    [Fact]
    public async Task A_deactivated_users_mailbox_is_not_read()
    {
        var mailboxId = await MailboxAsync();
        _source.Append(Inbox, Message("Anna <anna@somewhere.example>", "Hello"));
        await using (var db = await Db())
        {
            await db.Users.Where(u => u.Id == _owner).ExecuteUpdateAsync(u => u.SetProperty(x => x.IsActive, false), Ct);
        }

        var run = await ScanAsync(mailboxId, expectDone: false);

        Assert.Equal((ScanRunStatus.Error, 0), (run.Status, run.Fetched));
        Assert.Equal(ScanNotes.OwnerInactive, ScanNotes.CodeOf(run.FirstError));
        Assert.Equal(0, _source.Opened);
    }

    [Fact]
    public async Task Html_over_the_size_cap_is_not_parsed_as_html_but_kept_as_an_attachment_with_text()
    {
        var mailboxId = await MailboxAsync();
        var message = Message("Anna <anna@somewhere.example>", "Huge page");
        var html = "<html><body>" + string.Concat(Enumerable.Repeat("<div>x</div>", 400_000)) + "<script>alert(1)</script></body></html>";
        message.Body = new TextPart("html") { Text = html };
        _source.Append(Inbox, message);

        var run = await ScanAsync(mailboxId);

        Assert.Equal((1, 1), (run.Fetched, run.Stored));
        await using var db = await Db();
        var email = await db.Emails.Include(e => e.Attachments).SingleAsync(Ct);
        Assert.Null(email.HtmlBody);
        Assert.StartsWith("x x x", email.TextBody, StringComparison.Ordinal);
        Assert.Equal("message.html", Assert.Single(email.Attachments).FileName);
        Assert.True(email.Preview.Length <= 2001);
    }

    [Fact]
    public async Task The_write_stage_gets_a_400000_div_mail_with_its_html_already_set_aside_so_nothing_unbounded_runs_under_the_write_lock()
    {
        // Structural rather than timed: what the write stage holds the lock for is a PreparedEmail, and for this mail the
        // parse stage (outside any transaction) has already decided: no HTML to store or sanitise, the original as a file.
        var mailboxId = await MailboxAsync();
        var message = Message("Anna <anna@somewhere.example>", "Huge page");
        var html = "<html><body>" + string.Concat(Enumerable.Repeat("<div>x</div>", 400_000)) + "</body></html>";
        message.Body = new TextPart("html") { Text = html };
        var parse = ParseStageFor(await LoadMailboxAsync(mailboxId));

        var parsed = await parse.ParseAsync(1, await RawAsync(message), null, null, Ct);

        Assert.Null(parsed.Problem);
        var prepared = Assert.IsType<PrivateMail.Web.Features.Records.Emails.PreparedEmail>(parsed.Email);
        Assert.Null(prepared.HtmlBody);
        Assert.Equal("message.html", Assert.Single(prepared.Attachments).Attachment.FileName);
        Assert.StartsWith("x x x", prepared.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_parsed_on_several_threads_comes_out_in_uid_order_with_each_problem_in_its_place()
    {
        var parse = ParseStageFor(await LoadMailboxAsync(await MailboxAsync()), new ScannerOptions { ParseWorkers = 4, MaxMessageBytes = 20_000 });
        var items = new List<PrivateMail.Web.Features.Scanner.Stages.FetchedItem>();
        for (var uid = 1u; uid <= 40; uid++)
        {
            // Sizes vary so the threads finish out of order; UID 13 is refused by the server, UID 29 is too large.
            var body = string.Concat(Enumerable.Repeat($"line {uid} ", (int)(uid * 37 % 400) + 1));
            var raw = await RawAsync(Message($"Sender {uid} <s{uid}@somewhere.example>", $"Subject {uid}", body: uid == 29 ? new string('x', 30_000) : body));
            items.Add(uid == 13
                ? new PrivateMail.Web.Features.Scanner.Stages.FetchedItem(uid, null, null, "refused")
                : new PrivateMail.Web.Features.Scanner.Stages.FetchedItem(uid, raw, null, null));
        }

        var parsed = await parse.ParseBatchAsync(items, Ct);

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (uint)i), parsed.Select(p => p.Uid));
        foreach (var item in parsed.Where(p => p.Uid is not 13 and not 29))
        {
            Assert.Null(item.Problem);
            Assert.Equal($"Subject {item.Uid}", item.Snapshot!.Subject);
            Assert.StartsWith($"line {item.Uid} ", item.Email!.TextBody, StringComparison.Ordinal);
        }

        Assert.Equal("refused", parsed[12].Problem);
        Assert.Equal(ScanNotes.TooLarge, ScanNotes.CodeOf(parsed[28].Problem));
    }

    [Fact]
    public async Task A_ticket_status_the_settings_name_that_does_not_exist_fails_the_message_loudly_instead_of_skipping_the_ticket()
    {
        var mailboxId = await MailboxAsync(actions: ScannerActions.CreateTicket);
        _source.Append(Inbox, Message("Anna <anna@somewhere.example>", "Printer broken"));
        var mailbox = await LoadMailboxAsync(mailboxId);

        var factory = Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var tickets = Services.GetRequiredService<PrivateMail.Web.Features.Records.Tickets.TicketStore>();
        var loaded = await PrivateMail.Web.Features.Scanner.Stages.DecideStage.LoadAsync(factory, tickets, mailbox, Ct);
        // As if the status had been renamed after the run loaded its settings: the name is configured, no status has it.
        var decide = new PrivateMail.Web.Features.Scanner.Stages.DecideStage(
            loaded.Context with { StatusIds = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase) }, mailbox.Id);
        var emails = Services.GetRequiredService<PrivateMail.Web.Features.Records.Emails.EmailStore>();
        var item = await ParseStageFor(mailbox).ParseAsync(1, await RawAsync(Message("Anna <anna@somewhere.example>", "Printer broken")), null, null, Ct);
        var write = new PrivateMail.Web.Features.Scanner.Stages.WriteStage(
            factory, emails, tickets, TimeProvider.System, mailbox, decide, _database.Directory,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        await using var context = await Db();
        var lookup = await decide.LookupAsync(context, [item], Ct);
        await using var transaction = await context.Database.BeginTransactionAsync(Ct);
        var outcome = await write.ApplyInSavepointAsync(context, transaction, new PrivateMail.Web.Features.Scanner.Stages.WriteTarget(Inbox, 1, 0, 0), item, lookup);
        await transaction.CommitAsync(Ct);

        Assert.Equal(ScanOutcomeKind.Quarantined, outcome.Kind);
        Assert.Contains("does not exist", outcome.Reason, StringComparison.Ordinal);
        await using var check = await Db();
        Assert.Equal(0, await check.Tickets.CountAsync(Ct));
        Assert.Contains("does not exist", (await check.FailedMessages.SingleAsync(Ct)).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_read_ahead_reads_the_run_s_users_once_and_each_sender_s_ticket_count_once()
    {
        var mailboxId = await MailboxAsync(actions: ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.CreateTicket);
        var mailbox = await LoadMailboxAsync(mailboxId);

        var factory = Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var tickets = Services.GetRequiredService<PrivateMail.Web.Features.Records.Tickets.TicketStore>();
        var decide = await PrivateMail.Web.Features.Scanner.Stages.DecideStage.LoadAsync(factory, tickets, mailbox, Ct);
        var parse = ParseStageFor(mailbox);

        async Task<PrivateMail.Web.Features.Scanner.Stages.ParsedMail> Parsed(uint uid, string from) =>
            await parse.ParseAsync(uid, await RawAsync(Message(from, $"Message {uid}")), null, null, Ct);

        await using var readAhead = decide.ReadAhead(factory);
        var first = await readAhead.ReadAsync([await Parsed(1, "Anna <anna@somewhere.example>")], Ct);
        // Between the batches a colleague joins (another user, her address proven).
        await using (var db = await Db())
        {
            db.Users.Add(new ApplicationUser { UserName = "ewa", NormalizedUserName = "EWA", Email = "ewa@crm.example", ProvenEmail = "ewa@crm.example", SecurityStamp = "y" });
            await db.SaveChangesAsync(Ct);
        }

        var second = await readAhead.ReadAsync([await Parsed(2, "Anna <anna@somewhere.example>"), await Parsed(3, "Bob <bob@elsewhere.example>")], Ct);

        // Each sender's stored count is read the first time the sender appears; the first value read is the one kept.
        Assert.Equal(["anna@somewhere.example"], first.SenderCounts!.Keys);
        Assert.Equal(["bob@elsewhere.example"], second.SenderCounts!.Keys);
        // Users (and the domain rules, the ticket prefix) are read once per run, as its settings are: not per batch.
        Assert.False(second.Lookup.IsUserAddress("ewa@crm.example"));
        var fresh = await PrivateMail.Web.Features.Scanner.Stages.DecideStage.LoadAsync(factory, tickets, mailbox, Ct);
        await using var freshReadAhead = fresh.ReadAhead(factory);
        var third = await freshReadAhead.ReadAsync([await Parsed(4, "Anna <anna@somewhere.example>")], Ct);
        Assert.True(third.Lookup.IsUserAddress("ewa@crm.example"));
    }

    [Theory]
    [InlineData("input ends")]
    [InlineData("input fails")]
    [InlineData("stopped")]
    public async Task The_read_ahead_reads_every_batch_on_one_connection_which_the_parse_stage_closes_when_it_ends(string ending)
    {
        var mailbox = await LoadMailboxAsync(await MailboxAsync(actions: ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.CreateTicket));
        var factory = Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        var tickets = Services.GetRequiredService<PrivateMail.Web.Features.Records.Tickets.TicketStore>();
        var decide = await PrivateMail.Web.Features.Scanner.Stages.DecideStage.LoadAsync(factory, tickets, mailbox, Ct);
        var input = System.Threading.Channels.Channel.CreateUnbounded<PrivateMail.Web.Features.Scanner.Stages.FetchedBatch>();
        var output = System.Threading.Channels.Channel.CreateUnbounded<PrivateMail.Web.Features.Scanner.Stages.LookedUpBatch>();
        var clocks = new PrivateMail.Web.Features.Scanner.Stages.PipelineClocks();
        var readAhead = decide.ReadAhead(factory);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        async Task<PrivateMail.Web.Features.Scanner.Stages.LookedUpBatch> NextAsync(uint uid)
        {
            var raw = await RawAsync(Message("Anna <anna@somewhere.example>", $"Message {uid}"));
            await input.Writer.WriteAsync(new PrivateMail.Web.Features.Scanner.Stages.FetchedBatch([new PrivateMail.Web.Features.Scanner.Stages.FetchedItem(uid, raw, null, null)]), Ct);
            return await output.Reader.ReadAsync(Ct);
        }

        var running = ParseStageFor(mailbox).RunAsync(input.Reader, output.Writer, readAhead, clocks.Parse, clocks.Records, stop.Token);
        var first = await NextAsync(1);
        var connection = readAhead.Connection;
        Assert.NotNull(connection);
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
        var changes = 0;
        connection.StateChange += (_, _) => changes++;
        var second = await NextAsync(2);

        Assert.Single(first.Items);
        Assert.Equal(2u, Assert.Single(second.Items).Uid);
        Assert.Same(connection, readAhead.Connection);
        Assert.Equal(0, changes);

        switch (ending)
        {
            case "input ends":
                input.Writer.Complete();
                break;
            case "input fails":
                input.Writer.Complete(new InvalidOperationException("fetch failed"));
                break;
            default:
                await stop.CancelAsync();
                break;
        }

        await running;
        Assert.Null(readAhead.Connection);
        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
        if (ending == "input fails")
        {
            await Assert.ThrowsAnyAsync<InvalidOperationException>(async () => await output.Reader.Completion);
        }
    }

    [Fact]
    public async Task A_long_text_body_is_cut_at_the_cap_and_lists_get_a_short_preview()
    {
        var mailboxId = await MailboxAsync();
        var text = string.Concat(Enumerable.Range(0, 300_000).Select(i => "line " + i + "\n"));
        _source.Append(Inbox, Message("Anna <anna@somewhere.example>", "Long", body: text));

        await ScanAsync(mailboxId);

        await using var db = await Db();
        var email = await db.Emails.SingleAsync(Ct);
        Assert.True(text.Length > 2 * 1024 * 1024);
        Assert.Equal(2 * 1024 * 1024 + "\n\n[…]".Length, email.TextBody.Length);
        Assert.StartsWith("line 0\nline 1\n", email.Preview, StringComparison.Ordinal);
        Assert.Equal(2001, email.Preview.Length);
    }

    [Fact]
    public async Task A_run_left_running_by_a_crash_is_closed_as_interrupted_at_start_up()
    {
        var mailboxId = await MailboxAsync();
        await using (var db = await Db())
        {
            db.ScanRuns.Add(new ScanRun { MailboxId = mailboxId, StartedAt = DateTimeOffset.UtcNow.AddMinutes(-3), Status = ScanRunStatus.Running });
            await db.SaveChangesAsync(Ct);
        }

        await PrivateMail.Web.Hosting.DatabaseInitializer.InitializeAsync(Services);

        await using var check = await Db();
        var run = await check.ScanRuns.SingleAsync(Ct);
        Assert.Equal(ScanRunStatus.Interrupted, run.Status);
        Assert.NotNull(run.FinishedAt);
        Assert.Equal(ScanNotes.Interrupted, ScanNotes.CodeOf(run.FirstError));
    }

    [Fact]
    public async Task History_older_than_the_retention_is_deleted_with_its_outcomes_and_quarantined_files()
    {
        var mailboxId = await MailboxAsync();
        var refused = _source.Append(Inbox, Message("Anna <anna@somewhere.example>", "Bad"));
        _source.Refuse(Inbox, refused);
        _source.Append(Inbox, Message("Anna <anna@somewhere.example>", "Good"));
        var old = await ScanAsync(mailboxId);
        string rawPath;
        await using (var db = await Db())
        {
            var past = DateTimeOffset.UtcNow.AddDays(-31);
            await db.ScanRuns.ExecuteUpdateAsync(r => r.SetProperty(x => x.StartedAt, past), Ct);
            await db.FailedMessages.ExecuteUpdateAsync(f => f.SetProperty(x => x.FailedAt, past).SetProperty(x => x.RawPath, "failed/x.eml"), Ct);
            rawPath = Path.Combine(_database.Directory, "failed", "x.eml");
            Directory.CreateDirectory(Path.GetDirectoryName(rawPath)!);
            await File.WriteAllTextAsync(rawPath, "raw", Ct);
        }

        _source.Append(Inbox, Message("Anna <anna@somewhere.example>", "New"));
        var recent = await ScanAsync(mailboxId);
        var deleted = await Services.GetRequiredService<ScanHistoryRetention>().PurgeAsync(Ct);

        Assert.Equal(1, deleted);
        Assert.False(File.Exists(rawPath));
        await using var check = await Db();
        Assert.Equal([recent.RunId], await check.ScanRuns.Select(r => r.Id).ToListAsync(Ct));
        Assert.Empty(await check.ScanOutcomes.Where(o => o.RunId == old.RunId).ToListAsync(Ct));
        Assert.Empty(await check.FailedMessages.ToListAsync(Ct));
        Assert.Equal(2, await check.Emails.CountAsync(Ct));
    }
}
