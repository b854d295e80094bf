using MailKit;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Integration;

/// <summary>The scanner against a real Dovecot and a real database (each engine): all four actions, idempotent, failures contained.</summary>
public abstract class MailboxScannerTests(DovecotFixture dovecot, DatabaseProvider provider) : IAsyncLifetime
{
    private readonly TestDatabase _database = new(provider);
    private readonly string _folder = "Scan-" + Guid.NewGuid().ToString("N")[..8];
    private AppServices? _app;
    private string _owner = "";

    private IServiceProvider Services => _app!.Services;

    private ScanCoordinator Coordinator => Services.GetRequiredService<ScanCoordinator>();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _database.Dispose();
    }

    private async Task StartAsync(Action<ScannerOptions>? options = null, Action<IServiceCollection>? services = null)
    {
        _app = await AppServices.StartAsync(_database, configure: s =>
        {
            s.Configure<ScannerOptions>(o => options?.Invoke(o));
            services?.Invoke(s);
        });
        await using var db = await Db();
        var user = new ApplicationUser { UserName = "olga", NormalizedUserName = "OLGA", Email = "olga@crm.example", ProvenEmail = "olga@crm.example", SecurityStamp = "x" };
        db.Users.Add(user);
        await db.SaveChangesAsync(Ct);
        _owner = user.Id;
    }

    private Task<AppDbContext> Db() => Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);

    private async Task<int> MailboxAsync(string password, string[]? folders = null, int? port = null, string? ownerId = null, ScannerActions? actions = null)
    {
        await using var db = await Db();
        var server = new MailServer { Name = "Dovecot " + Guid.NewGuid().ToString("N")[..6], ImapHost = dovecot.Host, ImapPort = port ?? dovecot.ImapPort, ImapSecurity = MailSecurity.None, ValidateCertificate = false };
        db.MailServers.Add(server);
        await db.SaveChangesAsync(Ct);
        var mailbox = new Mailbox
        {
            OwnerId = ownerId ?? _owner, Name = "Bob", MailServerId = server.Id, Login = dovecot.Bob.Login,
            PasswordProtected = Services.GetRequiredService<SecretProtector>().Protect(password),
            Folders = [.. folders ?? [_folder]],
            Actions = actions ?? ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket,
            SearchFields = [.. SearchFields.DefaultKeys],
        };
        db.Mailboxes.Add(mailbox);
        await db.SaveChangesAsync(Ct);
        return mailbox.Id;
    }

    private static MimeMessage Message(string from, string subject, string? id = null, string body = "Hello")
    {
        var message = new MimeMessage { Subject = subject, MessageId = id ?? $"{Guid.NewGuid():N}@mail.example", Date = DateTimeOffset.UtcNow };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(new MailboxAddress("Bob", "bob@example.test"));
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    private async Task<ScanProgress> ScanAsync(int mailboxId) =>
        await Coordinator.RunAsync(mailboxId, null, Ct) ?? throw new InvalidOperationException("The scan did not run.");

    [Fact]
    public async Task A_full_scan_stores_binds_creates_a_ticket_and_answers_one_and_a_second_scan_adds_nothing()
    {
        await StartAsync();
        var records = new RecordFactory(Services);
        var account = await records.AccountAsync(_owner, "Customer Ltd", website: "https://customer.example");
        var contact = await records.ContactAsync(_owner, "Jan", "Kowalski", "jan@customer.example", account);
        var waiting = await records.TicketAsync(_owner, "Printer jams", TicketStatuses.WaitingForResponse, contact);
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Jan <jan@customer.example>", "Question about invoices", "q1@customer.example"), Ct);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("New Person <new@stranger.example>", "I need help", "n1@stranger.example"), Ct);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Jan <jan@customer.example>", $"Re: Printer jams {waiting.Number.ToSubjectTag()}", "r1@customer.example"), Ct);

        var first = await ScanAsync(mailboxId);

        Assert.Equal(ScanRunStatus.Done, first.Status);
        Assert.Equal((3, 3, 0), (first.Fetched, first.Stored, first.Failed));
        await using (var db = await Db())
        {
            var emails = await db.Emails.Include(e => e.Links).ToDictionaryAsync(e => e.MessageId!, Ct);
            Assert.Equal(3, emails.Count);
            var question = emails["q1@customer.example"].Links.Select(l => (l.RecordKind, l.RecordId)).ToList();
            Assert.Contains((RecordKind.Contact, contact.ToString(System.Globalization.CultureInfo.InvariantCulture)), question);
            Assert.Contains((RecordKind.Account, account.ToString(System.Globalization.CultureInfo.InvariantCulture)), question);

            var created = await db.Tickets.Include(t => t.Status).Where(t => t.Id != waiting.Id).ToListAsync(Ct);
            var forStranger = Assert.Single(created, t => t.Title == "I need help");
            Assert.Equal(TicketStatuses.Open, forStranger.Status!.Name);
            Assert.Null(forStranger.ContactId);
            Assert.Contains(emails["n1@stranger.example"].Links, l => l.RecordKind == RecordKind.Ticket && l.RecordId == forStranger.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(contact, Assert.Single(created, t => t.Title == "Question about invoices").ContactId);
            Assert.Equal(2, created.Count);

            var answered = await db.Tickets.Where(t => t.Id == waiting.Id).Select(t => t.Status!.Name).SingleAsync(Ct);
            Assert.Equal(TicketStatuses.Answered, answered);
            Assert.Contains(emails["r1@customer.example"].Links, l => l.RecordKind == RecordKind.Ticket && l.RecordId == waiting.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal((1, 2), (first.TicketsOpened, first.TicketsCreated));
        }

        var second = await ScanAsync(mailboxId);
        Assert.Equal((0, 0, 0, 0), (second.Fetched, second.Stored, second.TicketsCreated, second.TicketsOpened));

        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Jan <jan@customer.example>", "One more thing", "m1@customer.example"), Ct);
        var third = await ScanAsync(mailboxId);
        Assert.Equal((1, 1), (third.Fetched, third.Stored));
        await using (var db = await Db())
        {
            Assert.Equal(4, await db.Emails.CountAsync(Ct));
            Assert.Equal(4, await db.Tickets.CountAsync(Ct));
            var runs = await db.ScanRuns.Where(r => r.MailboxId == mailboxId).OrderBy(r => r.Id).ToListAsync(Ct);
            Assert.Equal([3, 0, 1], runs.Select(r => r.Stored));
            Assert.All(runs, r => Assert.Equal(ScanRunStatus.Done, r.Status));
            Assert.All(runs, r => Assert.NotNull(r.FinishedAt));

            // A crash before the cursor moved: every message is applied again, and nothing changes.
            await db.FolderCursors.Where(c => c.MailboxId == mailboxId).ExecuteUpdateAsync(c => c.SetProperty(x => x.LastUid, 0L), Ct);
        }

        var redo = await ScanAsync(mailboxId);
        Assert.Equal((4, 0, 0, 0), (redo.Fetched, redo.Stored, redo.TicketsCreated, redo.TicketsOpened));
        await using (var db = await Db())
        {
            Assert.Equal(4, await db.Emails.CountAsync(Ct));
            Assert.Equal(4, await db.Tickets.CountAsync(Ct));
            Assert.Equal(TicketStatuses.Answered, await db.Tickets.Where(t => t.Id == waiting.Id).Select(t => t.Status!.Name).SingleAsync(Ct));
        }
    }

    [Fact]
    public async Task A_sender_in_the_global_exceptions_is_skipped_and_one_in_a_global_domain_too()
    {
        await StartAsync();
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        await using (var db = await Db())
        {
            db.GlobalExceptionSettings.Add(new GlobalExceptionSettings { EmailExceptions = ["noreply@shop.example"], DomainExceptions = ["spam.example"] });
            await db.SaveChangesAsync(Ct);
        }

        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Shop <NoReply@Shop.example>", "Your order"), Ct);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Spam <any@spam.example>", "Win"), Ct);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "Offer"), Ct);

        var run = await ScanAsync(mailboxId);

        Assert.Equal((3, 1, 2), (run.Fetched, run.Stored, run.Skipped));
        await using var check = await Db();
        Assert.Equal("Offer", (await check.Emails.SingleAsync(Ct)).Subject);
        Assert.Equal(1, await check.Tickets.CountAsync(Ct));
    }

    [Fact]
    public async Task The_same_message_in_two_folders_is_stored_once_with_one_ticket()
    {
        await StartAsync();
        var other = _folder + "-b";
        var mailboxId = await MailboxAsync(dovecot.Bob.Password, [_folder, other]);
        var message = Message("Anna <anna@somewhere.example>", "Offer", "twice@somewhere.example");
        await dovecot.AppendAsync(dovecot.Bob, _folder, message, Ct);
        await dovecot.AppendAsync(dovecot.Bob, other, message, Ct);

        var run = await ScanAsync(mailboxId);

        Assert.Equal((2, 1, 1), (run.Fetched, run.Stored, run.TicketsCreated));
        await using var db = await Db();
        Assert.Equal(1, await db.Emails.CountAsync(Ct));
        Assert.Equal(1, await db.Tickets.CountAsync(Ct));
    }

    [Fact]
    public async Task A_recreated_folder_with_a_new_uidvalidity_is_read_again_without_duplicates()
    {
        await StartAsync();
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        var messages = Enumerable.Range(1, 3).Select(i => Message("Anna <anna@somewhere.example>", $"Mail {i}", $"uv{i}-{_folder}@somewhere.example")).ToList();
        foreach (var m in messages)
        {
            await dovecot.AppendAsync(dovecot.Bob, _folder, m, Ct);
        }

        await ScanAsync(mailboxId);
        long before;
        await using (var db = await Db())
        {
            before = await db.FolderCursors.Where(c => c.MailboxId == mailboxId).Select(c => c.UidValidity).SingleAsync(Ct);
        }

        using (var client = await dovecot.ConnectAsync(dovecot.Bob, SecureSocketOptions.None, Ct))
        {
            var folder = await client.GetFolderAsync(_folder, Ct);
            await folder.DeleteAsync(Ct);
            await client.DisconnectAsync(true, Ct);
        }

        foreach (var m in messages)
        {
            await dovecot.AppendAsync(dovecot.Bob, _folder, m, Ct);
        }

        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "Mail 4", $"uv4-{_folder}@somewhere.example"), Ct);

        var again = await ScanAsync(mailboxId);

        Assert.Equal((4, 1), (again.Fetched, again.Stored));
        await using var check = await Db();
        Assert.NotEqual(before, await check.FolderCursors.Where(c => c.MailboxId == mailboxId).Select(c => c.UidValidity).SingleAsync(Ct));
        Assert.Equal(4, await check.Emails.CountAsync(Ct));
        Assert.Equal(4, await check.Tickets.CountAsync(Ct));
    }

    [Fact]
    public async Task A_message_too_large_is_quarantined_with_its_bytes_and_the_next_one_is_stored()
    {
        await StartAsync(o => o.MaxMessageBytes = 4096);
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "Huge", "huge@somewhere.example", new string('x', 20_000)), Ct);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "Small", "small@somewhere.example"), Ct);

        var run = await ScanAsync(mailboxId);

        Assert.Equal((ScanRunStatus.Done, 2, 1, 1), (run.Status, run.Fetched, run.Stored, run.Failed));
        Assert.Contains("larger than 4096", ScanNotes.Display(run.FirstError));
        await using var db = await Db();
        var failed = await db.FailedMessages.SingleAsync(Ct);
        Assert.Contains("larger than 4096", ScanNotes.Display(failed.Error));
        // Too large by the server's RFC822.SIZE: never downloaded, only its headers are kept.
        var raw = await File.ReadAllBytesAsync(Path.Combine(_database.Directory, failed.RawPath!), Ct);
        Assert.Equal(failed.Size, raw.LongLength);
        Assert.True(raw.LongLength < 4096);
        Assert.Contains("Subject: Huge", System.Text.Encoding.ASCII.GetString(raw));
        Assert.Equal("small@somewhere.example", (await db.Emails.SingleAsync(Ct)).MessageId);

        var again = await ScanAsync(mailboxId);
        Assert.Equal(0, again.Fetched);
    }

    [Fact]
    public async Task A_quarantined_message_whose_cause_is_fixed_reprocesses_into_one_email_and_twice_stores_it_once()
    {
        await StartAsync(o => o.MaxMessageBytes = 4096);
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "Huge", "huge2@somewhere.example", new string('x', 20_000)), Ct);
        Assert.Equal(1, (await ScanAsync(mailboxId)).Failed);
        int failedId;
        await using (var db = await Db())
        {
            failedId = (await db.FailedMessages.SingleAsync(Ct)).Id;
        }

        var scanner = Services.GetRequiredService<MailboxScanner>();
        var stillTooLarge = await scanner.ReprocessAsync(failedId, Ct);
        Assert.Contains("larger than 4096", stillTooLarge);
        await using (var db = await Db())
        {
            Assert.Null((await db.FailedMessages.SingleAsync(Ct)).ResolvedAt);
            Assert.Equal(0, await db.Emails.CountAsync(Ct));
        }

        Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ScannerOptions>>().Value.MaxMessageBytes = 1_000_000;
        Assert.Null(await scanner.ReprocessAsync(failedId, Ct));
        Assert.Null(await scanner.ReprocessAsync(failedId, Ct));

        await using var check = await Db();
        var email = await check.Emails.SingleAsync(Ct);
        Assert.Equal("huge2@somewhere.example", email.MessageId);
        Assert.Equal(_folder, email.Folder);
        Assert.Equal(1, await check.Tickets.CountAsync(Ct));
        Assert.NotNull((await check.FailedMessages.SingleAsync(Ct)).ResolvedAt);
    }

    [Fact]
    public async Task A_wrong_password_locks_the_mailbox_and_a_scan_that_connects_unlocks_it()
    {
        await StartAsync();
        var mailboxId = await MailboxAsync("wrong-password");
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "Hello", $"lock-{_folder}@somewhere.example"), Ct);

        var failed = await ScanAsync(mailboxId);

        Assert.Equal(ScanRunStatus.Error, failed.Status);
        await using (var db = await Db())
        {
            var locked = await db.Mailboxes.SingleAsync(m => m.Id == mailboxId, Ct);
            Assert.Equal(MailboxStatus.Locked, locked.Status);
            Assert.False(string.IsNullOrWhiteSpace(locked.LastError));
            Assert.NotNull(locked.LastErrorAt);
            Assert.Equal(locked.LastError, (await db.ScanRuns.SingleAsync(Ct)).FirstError);
            locked.PasswordProtected = Services.GetRequiredService<SecretProtector>().Protect(dovecot.Bob.Password);
            await db.SaveChangesAsync(Ct);
        }

        var ok = await ScanAsync(mailboxId);

        Assert.Equal((ScanRunStatus.Done, 1), (ok.Status, ok.Stored));
        await using var check = await Db();
        var unlocked = await check.Mailboxes.SingleAsync(m => m.Id == mailboxId, Ct);
        Assert.Equal((MailboxStatus.Active, null), (unlocked.Status, unlocked.LastError));
    }

    [Fact]
    public async Task A_stopped_scan_continues_where_it_stopped_with_nothing_duplicated()
    {
        // Six new conversations from one sender: the per-sender ticket cap (ScannerSettingsScanTests) is off for this one.
        await StartAsync(o =>
        {
            o.BatchSize = 2;
            o.TicketCapPerSenderPerHour = 0;
        });
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        for (var i = 1; i <= 6; i++)
        {
            await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", $"Mail {i}", $"stop{i}-{_folder}@somewhere.example"), Ct);
        }

        void StopAfterFirstBatch(ScanProgress p)
        {
            if (p.MailboxId == mailboxId && p.Status == ScanRunStatus.Running && p.Fetched > 0)
            {
                Coordinator.Stop(mailboxId);
            }
        }

        var subscription = Coordinator.Subscribe(mailboxId, StopAfterFirstBatch);
        var stopped = await ScanAsync(mailboxId);
        subscription.Dispose();

        Assert.Equal((ScanRunStatus.Stopped, 2), (stopped.Status, stopped.Stored));
        var rest = await ScanAsync(mailboxId);
        Assert.Equal((ScanRunStatus.Done, 4, 4), (rest.Status, rest.Fetched, rest.Stored));
        await using var db = await Db();
        Assert.Equal(6, await db.Emails.CountAsync(Ct));
        Assert.Equal(6, await db.Tickets.CountAsync(Ct));
        Assert.Equal(ScanRunStatus.Stopped, (await db.ScanRuns.OrderBy(r => r.Id).FirstAsync(Ct)).Status);
    }

    [Fact]
    public async Task A_second_request_while_a_mailbox_is_scanned_does_not_run()
    {
        await StartAsync();
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "Hello", $"once-{_folder}@somewhere.example"), Ct);
        Task<ScanProgress?>? second = null;
        Task<ScanRefusal>? start = null;

        void RequestAgain(ScanProgress p)
        {
            if (p.Status == ScanRunStatus.Running && second is null)
            {
                Assert.True(Coordinator.IsRunning(mailboxId));
                start = Coordinator.TryStartAsync(mailboxId, null, Ct);
                second = Coordinator.RunAsync(mailboxId, null, Ct);
            }
        }

        var subscription = Coordinator.Subscribe(mailboxId, RequestAgain);
        var first = await ScanAsync(mailboxId);
        subscription.Dispose();

        Assert.Null(await second!);
        Assert.Equal(ScanRefusal.RunningOnThisNode, await start!);
        Assert.Equal(1, first.Stored);
        await using var db = await Db();
        Assert.Equal(1, await db.ScanRuns.CountAsync(Ct));
    }

    [Fact]
    public async Task Dovecot_killed_mid_scan_locks_the_mailbox_and_the_scan_after_restart_stores_everything_once()
    {
        await using var server = await DovecotFixture.StartAsync(Ct);
        // One message per batch and more messages than the pipeline holds ahead of the writer (a batch in each
        // channel and one in each stage), so the kill after the first commit cuts the fetching off for good.
        const int total = 20;
        await StartAsync(o => o.BatchSize = 1);
        var mailboxId = await MailboxAsync(server.Bob.Password, port: server.ImapPort);
        for (var i = 1; i <= total; i++)
        {
            await server.AppendAsync(server.Bob, _folder, Message("Anna <anna@somewhere.example>", $"Mail {i}", $"kill{i}@somewhere.example"), Ct);
        }

        void KillAfterFirstBatch(ScanProgress p)
        {
            if (p.Status == ScanRunStatus.Running && p.Fetched > 0 && server.IsRunning)
            {
                server.StopAsync().GetAwaiter().GetResult();
            }
        }

        var subscription = Coordinator.Subscribe(mailboxId, KillAfterFirstBatch);
        var broken = await ScanAsync(mailboxId);
        subscription.Dispose();

        // What was fetched before the kill is still written; the rest waits for the server.
        Assert.Equal(ScanRunStatus.Error, broken.Status);
        Assert.InRange(broken.Stored, 1, total - 1);
        Assert.Equal(broken.Fetched, broken.Stored);
        Assert.NotNull(broken.FirstError);
        await using (var db = await Db())
        {
            Assert.Equal(MailboxStatus.Locked, await db.Mailboxes.Where(m => m.Id == mailboxId).Select(m => m.Status).SingleAsync(Ct));
        }

        await server.RestartAsync(Ct);
        var after = await ScanAsync(mailboxId);

        Assert.Equal((ScanRunStatus.Done, total - broken.Stored, total - broken.Stored), (after.Status, after.Fetched, after.Stored));
        await using var check = await Db();
        Assert.Equal(total, await check.Emails.Select(e => e.DedupeKey).Distinct().CountAsync(Ct));
        Assert.Equal(total, await check.Emails.CountAsync(Ct));
        Assert.Equal(MailboxStatus.Active, await check.Mailboxes.Where(m => m.Id == mailboxId).Select(m => m.Status).SingleAsync(Ct));
    }
    [Fact]
    public async Task The_schedule_scans_active_mailboxes_only_while_my_mail_is_enabled()
    {
        await StartAsync();
        var active = await MailboxAsync(dovecot.Bob.Password);
        await using (var db = await Db())
        {
            var other = new ApplicationUser { UserName = "piotr", NormalizedUserName = "PIOTR", Email = "piotr@crm.example", ProvenEmail = "piotr@crm.example", SecurityStamp = "x" };
            db.Users.Add(other);
            await db.SaveChangesAsync(Ct);
            var inactive = await MailboxAsync(dovecot.Bob.Password, ownerId: other.Id);
            await db.Mailboxes.Where(m => m.Id == inactive).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MailboxStatus.Inactive), Ct);
        }

        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "Hello", $"sched-{_folder}@somewhere.example"), Ct);
        var modules = Services.GetRequiredService<PrivateMail.Web.Features.Modules.ModuleService>();
        var schedule = ActivatorUtilities.CreateInstance<ScheduledScan>(Services);
        schedule.CancellationToken = Ct;

        await modules.SetEnabledAsync(PrivateMail.Domain.Modules.CrmModule.MyMail, false, _owner, Ct);
        await schedule.Invoke();
        await using (var db = await Db())
        {
            Assert.Equal(0, await db.ScanRuns.CountAsync(Ct));
        }

        await modules.SetEnabledAsync(PrivateMail.Domain.Modules.CrmModule.MyMail, true, _owner, Ct);
        await schedule.Invoke();

        await using var check = await Db();
        var run = await check.ScanRuns.SingleAsync(Ct);
        Assert.Equal((active, null, ScanRunStatus.Done, 1), (run.MailboxId, run.StartedById, run.Status, run.Stored));
    }
    [Fact]
    public async Task The_schedule_retries_a_locked_mailbox_once_the_retry_interval_has_passed_and_the_scan_unlocks_it()
    {
        await StartAsync(o => o.LockedRetryInterval = TimeSpan.FromMinutes(15));
        var longAgo = await MailboxAsync(dovecot.Bob.Password);
        string otherId;
        await using (var db = await Db())
        {
            var other = new ApplicationUser { UserName = "ewa", NormalizedUserName = "EWA", Email = "ewa@crm.example", ProvenEmail = "ewa@crm.example", SecurityStamp = "x" };
            db.Users.Add(other);
            await db.SaveChangesAsync(Ct);
            otherId = other.Id;
        }

        var justNow = await MailboxAsync(dovecot.Bob.Password, ownerId: otherId);
        await using (var db = await Db())
        {
            var now = DateTimeOffset.UtcNow;
            await db.Mailboxes.Where(m => m.Id == longAgo).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MailboxStatus.Locked).SetProperty(m => m.LastError, "Server down").SetProperty(m => m.LastErrorAt, now.AddMinutes(-20)), Ct);
            await db.Mailboxes.Where(m => m.Id == justNow).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MailboxStatus.Locked).SetProperty(m => m.LastError, "Server down").SetProperty(m => m.LastErrorAt, now.AddMinutes(-2)), Ct);
        }

        await Services.GetRequiredService<PrivateMail.Web.Features.Modules.ModuleService>().SetEnabledAsync(PrivateMail.Domain.Modules.CrmModule.MyMail, true, _owner, Ct);
        var schedule = ActivatorUtilities.CreateInstance<ScheduledScan>(Services);
        schedule.CancellationToken = Ct;
        await schedule.Invoke();

        await using var check = await Db();
        Assert.Equal([longAgo], await check.ScanRuns.Select(r => r.MailboxId).ToListAsync(Ct));
        Assert.Equal(MailboxStatus.Active, await check.Mailboxes.Where(m => m.Id == longAgo).Select(m => m.Status).SingleAsync(Ct));
        Assert.Equal(MailboxStatus.Locked, await check.Mailboxes.Where(m => m.Id == justNow).Select(m => m.Status).SingleAsync(Ct));
    }

    [Fact]
    public async Task A_reply_without_the_ticket_number_answers_the_ticket_of_its_thread_whatever_the_message_id_case()
    {
        await StartAsync();
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        var firstId = $"Thread.Start.{_folder}@Customer.EXAMPLE";
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("New Person <new@stranger.example>", "Printer on fire", firstId), Ct);
        await ScanAsync(mailboxId);
        int ticketId;
        await using (var db = await Db())
        {
            ticketId = await db.Tickets.Where(t => t.Title == "Printer on fire").Select(t => t.Id).SingleAsync(Ct);
            var waiting = await db.TicketStatuses.Where(s => s.Name == TicketStatuses.WaitingForResponse).Select(s => s.Id).SingleAsync(Ct);
            await db.Tickets.Where(t => t.Id == ticketId).ExecuteUpdateAsync(s => s.SetProperty(t => t.StatusId, waiting), Ct);
        }

        var reply = Message("New Person <new@stranger.example>", "Re: Printer on fire", $"reply.{_folder}@stranger.example");
        reply.InReplyTo = firstId;
        reply.References.Add(firstId);
        await dovecot.AppendAsync(dovecot.Bob, _folder, reply, Ct);
        var run = await ScanAsync(mailboxId);

        await using var check = await Db();
        Assert.Equal((1, 0), (run.TicketsOpened, run.TicketsCreated));
        Assert.Equal(TicketStatuses.Answered, await check.Tickets.Where(t => t.Id == ticketId).Select(t => t.Status!.Name).SingleAsync(Ct));
        Assert.Equal(1, await check.Tickets.CountAsync(Ct));
    }

    [Fact]
    public async Task A_message_mime_cannot_read_is_quarantined_with_the_reason_and_the_next_one_is_stored()
    {
        await StartAsync();
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "Before", $"before-{_folder}@somewhere.example"), Ct);
        const string garbage = "\u0001\u0002 this is not a message\r\nno headers at all\r\n";
        await PrivateMail.Tests.Web.Features.Mailboxes.RawImap.RunAsync(dovecot, dovecot.Bob, $"APPEND {_folder} {{{garbage.Length}+}}\r\n{garbage}");
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "After", $"after-{_folder}@somewhere.example"), Ct);

        var run = await ScanAsync(mailboxId);

        Assert.Equal((ScanRunStatus.Done, 3, 2, 1), (run.Status, run.Fetched, run.Stored, run.Failed));
        await using var db = await Db();
        var failed = await db.FailedMessages.SingleAsync(Ct);
        Assert.Contains("could not be read", ScanNotes.Display(failed.Error));
        Assert.Equal(garbage.Length, failed.Size);
        Assert.Equal(["After", "Before"], await db.Emails.OrderBy(e => e.Subject).Select(e => e.Subject).ToListAsync(Ct));
    }
    [Fact]
    public async Task A_run_takes_at_most_its_message_limit_and_the_next_run_goes_on()
    {
        await StartAsync(o => o.MaxMessagesPerRun = 2);
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        for (var i = 1; i <= 5; i++)
        {
            await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", $"Mail {i}", $"limit{i}-{_folder}@somewhere.example"), Ct);
        }

        var stored = new List<int>();
        for (var run = 0; run < 4; run++)
        {
            stored.Add((await ScanAsync(mailboxId)).Stored);
        }

        Assert.Equal([2, 2, 1, 0], stored);
        await using var db = await Db();
        Assert.Equal(5, await db.Emails.CountAsync(Ct));
    }
    [Fact]
    public async Task A_folder_missing_on_the_server_is_reported_and_the_other_folders_are_still_read()
    {
        await StartAsync();
        var missing = _folder + "-gone";
        var mailboxId = await MailboxAsync(dovecot.Bob.Password, [missing, _folder]);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "Hello", $"miss-{_folder}@somewhere.example"), Ct);

        var run = await ScanAsync(mailboxId);

        Assert.Equal((ScanRunStatus.Done, 1), (run.Status, run.Stored));
        Assert.Contains(missing, run.FirstError);
        await using var db = await Db();
        Assert.Equal(MailboxStatus.Active, await db.Mailboxes.Where(m => m.Id == mailboxId).Select(m => m.Status).SingleAsync(Ct));
    }

    [Fact]
    public async Task A_crash_between_creating_a_ticket_and_moving_the_cursor_creates_the_ticket_once()
    {
        // Create ticket without Create e-mail: no stored e-mail remembers the ticket, only the shared transaction does.
        // The cursor's advance is a statement the writer prepares on its connection (no EF command interceptor sees
        // it): a trigger makes the database itself refuse it, as a crash at that point would leave things.
        await StartAsync();
        var mailboxId = await MailboxAsync(dovecot.Bob.Password, actions: ScannerActions.CreateTicket);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "First problem"), Ct);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Piotr <piotr@elsewhere.example>", "Second problem"), Ct);
        await FailCursorAdvancesAsync(true);

        var crashed = await ScanAsync(mailboxId);

        Assert.Equal(ScanRunStatus.Error, crashed.Status);
        Assert.Contains("Simulated crash", crashed.FirstError, StringComparison.Ordinal);
        await using (var db = await Db())
        {
            Assert.Equal(0, await db.Tickets.CountAsync(Ct));
            Assert.Equal(0, await db.FolderCursors.Where(c => c.MailboxId == mailboxId).Select(c => c.LastUid).SingleAsync(Ct));
        }

        await FailCursorAdvancesAsync(false);

        var recovered = await ScanAsync(mailboxId);
        var again = await ScanAsync(mailboxId);

        Assert.Equal((ScanRunStatus.Done, 2, 2), (recovered.Status, recovered.Fetched, recovered.TicketsCreated));
        Assert.Equal((0, 0), (again.Fetched, again.TicketsCreated));
        await using var check = await Db();
        Assert.Equal(["First problem", "Second problem"], await check.Tickets.OrderBy(t => t.Sequence).Select(t => t.Title).ToListAsync(Ct));
    }

    [Fact]
    public async Task A_message_that_fails_half_way_is_quarantined_whole_and_the_rest_of_its_batch_stands()
    {
        await StartAsync();
        // A real database failure of the ticket insert, inside the message's savepoint: the scanner inserts tickets through
        // statements prepared on the connection, which no EF command interceptor sees.
        await FailTicketInsertsTitledBoomAsync(true);
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        foreach (var subject in new[] { "Fine 1", "Boom", "Fine 2" })
        {
            await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", subject), Ct);
        }

        var run = await ScanAsync(mailboxId);

        Assert.Equal((ScanRunStatus.Done, 3, 2, 2, 1), (run.Status, run.Fetched, run.Stored, run.TicketsCreated, run.Failed));
        int failedId;
        await using (var db = await Db())
        {
            // The e-mail stored before the ticket failed was rolled back with it: no e-mail without its ticket.
            Assert.Equal(["Fine 1", "Fine 2"], await db.Emails.OrderBy(e => e.Id).Select(e => e.Subject).ToListAsync(Ct));
            Assert.Equal(2, await db.Tickets.CountAsync(Ct));
            var failed = await db.FailedMessages.SingleAsync(Ct);
            Assert.Contains("could not be processed", ScanNotes.Display(failed.Error), StringComparison.Ordinal);
            Assert.Contains("Simulated ticket failure", failed.Error, StringComparison.Ordinal);
            failedId = failed.Id;
        }

        Assert.Equal(0, (await ScanAsync(mailboxId)).Fetched);
        // The fault is gone before the message is processed again, as the one-off failure was before.
        await FailTicketInsertsTitledBoomAsync(false);
        Assert.Null(await Services.GetRequiredService<MailboxScanner>().ReprocessAsync(failedId, Ct));
        await using var check = await Db();
        Assert.Equal(3, await check.Emails.CountAsync(Ct));
        Assert.Equal(1, await check.Tickets.CountAsync(t => t.Title == "Boom", Ct));
        Assert.NotNull((await check.FailedMessages.SingleAsync(Ct)).ResolvedAt);
    }

    [Fact]
    public async Task Scanned_tickets_take_consecutive_numbers_from_the_shared_sequence_across_batches_and_a_rolled_back_message_gives_its_number_back()
    {
        await StartAsync(o => o.BatchSize = 2);
        int open;
        await using (var db = await Db())
        {
            open = await db.TicketStatuses.Where(s => s.Name == TicketStatuses.Open).Select(s => s.Id).SingleAsync(Ct);
        }

        // A ticket made on a page first: the scan continues the same sequence.
        var existing = await Services.GetRequiredService<PrivateMail.Web.Features.Records.Tickets.TicketStore>()
            .CreateAsync(new PrivateMail.Web.Features.Records.Tickets.NewTicket("Existing", "", open, TicketPriority.Normal, null, null, _owner), Ct);
        await FailTicketInsertsTitledBoomAsync(true);
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        foreach (var subject in new[] { "One", "Boom", "Two", "Three", "Four" })
        {
            await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", subject), Ct);
        }

        var run = await ScanAsync(mailboxId);
        await FailTicketInsertsTitledBoomAsync(false);
        int failedId;
        await using (var db = await Db())
        {
            failedId = await db.FailedMessages.Select(f => f.Id).SingleAsync(Ct);
        }

        Assert.Null(await Services.GetRequiredService<MailboxScanner>().ReprocessAsync(failedId, Ct));

        Assert.Equal("T1", existing.Number.ToString());
        Assert.Equal((ScanRunStatus.Done, 5, 4, 1), (run.Status, run.Fetched, run.TicketsCreated, run.Failed));
        await using var check = await Db();
        var tickets = await check.Tickets.OrderBy(t => t.Sequence).Select(t => new { t.Sequence, t.Number, t.Title }).ToListAsync(Ct);
        // The failed message's number went back with its savepoint: "Two" took it, and "Boom" the next one when processed again.
        Assert.Equal(
            [(1L, "T1", "Existing"), (2L, "T2", "One"), (3L, "T3", "Two"), (4L, "T4", "Three"), (5L, "T5", "Four"), (6L, "T6", "Boom")],
            tickets.Select(t => (t.Sequence, t.Number, t.Title)).ToList());
        Assert.Equal(7, await check.RecordSequences.Where(s => s.Name == RecordSequence.Tickets).Select(s => s.Next).SingleAsync(Ct));
    }

    /// <summary>Makes the database itself refuse (or stop refusing) a ticket titled "Boom", on either engine.</summary>
    private async Task FailCursorAdvancesAsync(bool fail)
    {
        await using var db = await Db();
        var sql = (_database.Provider, fail) switch
        {
            (DatabaseProvider.Sqlite, true) => """
                CREATE TRIGGER "crash" BEFORE UPDATE ON "FolderCursors"
                BEGIN SELECT RAISE(ABORT, 'Simulated crash'); END;
                """,
            (DatabaseProvider.Sqlite, false) => """DROP TRIGGER "crash";""",
            (_, true) => """
                CREATE FUNCTION "crash"() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''Simulated crash''; END';
                CREATE TRIGGER "crash" BEFORE UPDATE ON "FolderCursors" FOR EACH ROW EXECUTE FUNCTION "crash"();
                """,
            (_, false) => """DROP TRIGGER "crash" ON "FolderCursors"; DROP FUNCTION "crash"();""",
        };
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
    }

    private async Task FailTicketInsertsTitledBoomAsync(bool fail)
    {
        await using var db = await Db();
        var sql = (_database.Provider, fail) switch
        {
            (DatabaseProvider.Sqlite, true) => """
                CREATE TRIGGER "boom" BEFORE INSERT ON "Tickets" WHEN NEW."Title" = 'Boom'
                BEGIN SELECT RAISE(ABORT, 'Simulated ticket failure'); END;
                """,
            (DatabaseProvider.Sqlite, false) => """DROP TRIGGER "boom";""",
            (_, true) => """
                CREATE FUNCTION "boom"() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN
                    IF NEW."Title" = ''Boom'' THEN RAISE EXCEPTION ''Simulated ticket failure''; END IF; RETURN NEW; END';
                CREATE TRIGGER "boom" BEFORE INSERT ON "Tickets" FOR EACH ROW EXECUTE FUNCTION "boom"();
                """,
            (_, false) => """DROP TRIGGER "boom" ON "Tickets"; DROP FUNCTION "boom"();""",
        };
        await db.Database.ExecuteSqlRawAsync(sql, Ct);
    }

    [Fact]
    public async Task The_time_budget_ends_a_run_after_the_batch_in_which_it_ran_out_and_the_next_run_continues()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await StartAsync(o => { o.BatchSize = 2; o.TimeBudget = TimeSpan.FromMinutes(1); }, s => s.AddSingleton<TimeProvider>(clock));
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        for (var i = 1; i <= 5; i++)
        {
            await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", $"Budget {i}"), Ct);
        }

        using var scope = Services.CreateScope();
        var scanner = scope.ServiceProvider.GetRequiredService<MailboxScanner>();
        // The first batch takes "two minutes": the budget is spent, so the run stops before the next batch.
        var first = await scanner.ScanAsync(mailboxId, null, p =>
        {
            if (p.Status == ScanRunStatus.Running && p.Fetched > 0)
            {
                clock.Advance(TimeSpan.FromMinutes(2));
            }
        }, Ct);
        var second = await scanner.ScanAsync(mailboxId, null, null, Ct);

        Assert.Equal((ScanRunStatus.Done, 2), (first.Status, first.Stored));
        Assert.Equal((ScanRunStatus.Done, 3), (second.Status, second.Stored));
        await using var db = await Db();
        Assert.Equal(5, await db.Emails.CountAsync(Ct));
    }

    [Fact]
    public async Task Binding_costs_the_same_database_commands_with_two_thousand_contacts_as_with_five()
    {
        var few = await CountScanCommandsAsync(extraContacts: 0);
        var many = await CountScanCommandsAsync(extraContacts: 2000);

        Assert.Equal(few.Stored, many.Stored);
        Assert.Equal(few.Commands, many.Commands);
    }

    private async Task<(int Commands, int Stored)> CountScanCommandsAsync(int extraContacts)
    {
        using var database = new TestDatabase();
        var counter = new EfCommandLog();
        await using var app = await AppServices.StartAsync(database, configure: s => s.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(counter)));
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();
        string owner;
        await using (var db = await dbFactory.CreateDbContextAsync(Ct))
        {
            var user = new ApplicationUser { UserName = "olga", NormalizedUserName = "OLGA", Email = "olga@crm.example", ProvenEmail = "olga@crm.example", SecurityStamp = "x" };
            db.Users.Add(user);
            await db.SaveChangesAsync(Ct);
            owner = user.Id;
        }

        var records = new RecordFactory(app.Services);
        for (var i = 0; i < 5; i++)
        {
            await records.ContactAsync(owner, "Known", $"Person {i}", $"known{i}@customer.example");
        }

        await using (var db = await dbFactory.CreateDbContextAsync(Ct))
        {
            db.Contacts.AddRange(Enumerable.Range(0, extraContacts).Select(i => new Contact
            {
                FirstName = "Other", LastName = $"Person {i}", Email = $"other{i}@bulk.example", EmailNormalised = $"other{i}@bulk.example",
                OwnerId = owner, SearchText = $"other person {i}",
            }));
            await db.SaveChangesAsync(Ct);
        }

        var folder = "Count-" + Guid.NewGuid().ToString("N")[..8];
        int mailboxId;
        await using (var db = await dbFactory.CreateDbContextAsync(Ct))
        {
            var server = new MailServer { Name = "Dovecot", ImapHost = dovecot.Host, ImapPort = dovecot.ImapPort, ImapSecurity = MailSecurity.None, ValidateCertificate = false };
            db.MailServers.Add(server);
            await db.SaveChangesAsync(Ct);
            var mailbox = new Mailbox
            {
                OwnerId = owner, Name = "Bob", MailServerId = server.Id, Login = dovecot.Bob.Login,
                PasswordProtected = app.Services.GetRequiredService<SecretProtector>().Protect(dovecot.Bob.Password),
                Folders = [folder], Actions = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket,
                SearchFields = [.. SearchFields.DefaultKeys],
            };
            db.Mailboxes.Add(mailbox);
            await db.SaveChangesAsync(Ct);
            mailboxId = mailbox.Id;
        }

        for (var i = 0; i < 10; i++)
        {
            var from = i % 2 == 0 ? $"Known <known{i % 5}@customer.example>" : $"Stranger <stranger{i}@nowhere.example>";
            await dovecot.AppendAsync(dovecot.Bob, folder, Message(from, $"Question {i}", $"count-{i}@example.test"), Ct);
        }

        var before = counter.Count;
        var run = await app.Services.GetRequiredService<ScanCoordinator>().RunAsync(mailboxId, null, Ct) ?? throw new InvalidOperationException("The scan did not run.");
        Assert.Equal(ScanRunStatus.Done, run.Status);
        return (counter.Count - before, run.Stored);
    }

    [Fact]
    public async Task Batches_are_cut_by_bytes_so_large_mail_never_piles_up_and_everything_is_still_stored()
    {
        await StartAsync(o => { o.BatchSize = 100; o.BatchBytes = 4096; });
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        for (var i = 1; i <= 3; i++)
        {
            await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", $"Large {i}", body: new string('x', 3000)), Ct);
        }

        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "Small 4"), Ct);
        await dovecot.AppendAsync(dovecot.Bob, _folder, Message("Anna <anna@somewhere.example>", "Small 5"), Ct);

        using var scope = Services.CreateScope();
        var batches = new List<int>();
        var run = await scope.ServiceProvider.GetRequiredService<MailboxScanner>().ScanAsync(mailboxId, null, p =>
        {
            if (p.Status == ScanRunStatus.Running && p.Fetched > 0)
            {
                batches.Add(p.Fetched);
            }
        }, Ct);

        // 3 KB each: the large ones go one per batch; the last large one and the two small ones share one.
        Assert.Equal([1, 2, 5], batches);
        Assert.Equal((ScanRunStatus.Done, 5), (run.Status, run.Stored));
    }

    [Theory]
    [InlineData(new long[] { 10, 10, 10 }, 2, 100, new[] { 2, 1 })]
    [InlineData(new long[] { 60, 60, 10, 10 }, 10, 100, new[] { 1, 3 })]
    [InlineData(new long[] { 500, 10 }, 10, 100, new[] { 1, 1 })]
    [InlineData(new long[] { 10, 500, 10 }, 10, 100, new[] { 1, 1, 1 })]
    [InlineData(new long[] { }, 10, 100, new int[] { })]
    public void Batches_respect_count_and_bytes_and_a_single_oversized_message_goes_alone(long[] sizes, int maxCount, long maxBytes, int[] expected)
    {
        var items = sizes.Select((size, i) => new PrivateMail.Web.Mail.MailItem((uint)i + 1, size, null)).ToList();

        var batches = PrivateMail.Web.Features.Scanner.Stages.FetchStage.Batches(items, maxCount, maxBytes).ToList();

        Assert.Equal(expected, batches.Select(b => b.Count));
        Assert.Equal(items, batches.SelectMany(b => b));
    }

    [Fact]
    public async Task Mail_without_any_date_is_dated_by_its_arrival_on_the_server_not_by_the_scan()
    {
        await StartAsync();
        var mailboxId = await MailboxAsync(dovecot.Bob.Password);
        var message = Message("Anna <anna@somewhere.example>", "No date at all");
        message.Headers.Remove(HeaderId.Date);
        var arrived = new DateTimeOffset(2026, 11, 20, 7, 15, 0, TimeSpan.FromHours(1));
        await dovecot.AppendAsync(dovecot.Bob, _folder, message, Ct, arrived);

        await StartScanIgnoringImportDateAsync(mailboxId);

        await using var db = await Db();
        var stored = await db.Emails.SingleAsync(Ct);
        Assert.Equal(arrived, stored.Date);
    }

    private async Task StartScanIgnoringImportDateAsync(int mailboxId)
    {
        // The import date would leave out mail that "arrived" before it; the cursor is what matters here.
        await using (var db = await Db())
        {
            await db.Mailboxes.Where(m => m.Id == mailboxId).ExecuteUpdateAsync(m => m.SetProperty(x => x.ImportSince, new DateOnly(2020, 1, 1)), Ct);
        }

        Assert.Equal(ScanRunStatus.Done, (await ScanAsync(mailboxId)).Status);
    }

    [Fact]
    public async Task With_create_e_mail_off_the_same_message_in_two_folders_still_creates_one_ticket_and_a_later_e_mail_joins_it()
    {
        await StartAsync();
        var other = _folder + "-b";
        var mailboxId = await MailboxAsync(dovecot.Bob.Password, [_folder, other], actions: ScannerActions.CreateTicket);
        var message = Message("Anna <anna@somewhere.example>", "Only a ticket", "ticket-only@somewhere.example");
        await dovecot.AppendAsync(dovecot.Bob, _folder, message, Ct);
        await dovecot.AppendAsync(dovecot.Bob, other, message, Ct);

        var run = await ScanAsync(mailboxId);

        Assert.Equal((2, 0, 1), (run.Fetched, run.Stored, run.TicketsCreated));
        int ticketId;
        await using (var db = await Db())
        {
            ticketId = (await db.Tickets.SingleAsync(Ct)).Id;
            Assert.Equal(0, await db.Emails.CountAsync(Ct));

            // The owner switches Create e-mail on and the folder is read again: the e-mail is stored and joins that ticket.
            await db.Mailboxes.Where(m => m.Id == mailboxId).ExecuteUpdateAsync(
                m => m.SetProperty(x => x.Actions, ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.CreateTicket), Ct);
            await db.FolderCursors.Where(c => c.MailboxId == mailboxId).ExecuteUpdateAsync(c => c.SetProperty(x => x.LastUid, 0L), Ct);
        }

        var again = await ScanAsync(mailboxId);

        Assert.Equal((2, 1, 0), (again.Fetched, again.Stored, again.TicketsCreated));
        await using var check = await Db();
        Assert.Equal(1, await check.Tickets.CountAsync(Ct));
        var email = await check.Emails.Include(e => e.Links).SingleAsync(Ct);
        Assert.Contains(email.Links, l => l.RecordKind == RecordKind.Ticket && l.RecordId == ticketId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary><see cref="MailboxScannerTests"/> on a SQLite file.</summary>
[Collection(DovecotCollection.Name)]
public sealed class SqliteMailboxScannerTests(DovecotFixture dovecot) : MailboxScannerTests(dovecot, DatabaseProvider.Sqlite);

/// <summary><see cref="MailboxScannerTests"/> on PostgreSQL.</summary>
[Collection(DovecotCollection.Name)]
public sealed class PostgreSqlMailboxScannerTests(DovecotFixture dovecot) : MailboxScannerTests(dovecot, DatabaseProvider.PostgreSql);
