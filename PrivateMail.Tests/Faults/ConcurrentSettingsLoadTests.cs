using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Faults;

/// <summary>
/// 50 users edit their own mailbox settings over and over while the hosted app scans 10,000 messages into the same
/// SQLite database: no save fails, nothing is logged as an error, each user's last save is exactly what the database
/// holds (no lost update, nothing crossed between users), each user's page over HTTP shows their own latest save and
/// nobody else's, and the scan stores every message and ticket exactly once.
/// <para>
/// Why each client is a circuit-like DI scope and not a real SignalR circuit: the Mailbox tab saves by calling
/// <see cref="MailboxService.SaveAsync"/> in its circuit's scope, which is signed in through the scoped
/// AuthenticationStateProvider. <see cref="UserScope"/> builds exactly that scope inside the hosted app. Driving the
/// button over a real circuit without a browser means reimplementing Blazor's binary render-batch protocol to find
/// event-handler ids, and 50 Chromium pages do not fit a 2-core budget. The reads go over real HTTP (50 signed-in
/// cookie clients, prerendered pages), so the web stack is under load too.
/// </para>
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed class ConcurrentSettingsLoadTests(DovecotFixture dovecot) : IAsyncLifetime
{
    private const int Clients = 50;
    private const int Messages = 10_000;
    private const int MaxSavesPerClient = 20;
    private const string Password = "Test-password-1";
    private readonly PrivateMailAppFactory _factory = new();
    private readonly ErrorLog _errors = new();

    public async ValueTask InitializeAsync()
    {
        await _factory.CreateUserAsync("root", Password, administrator: true);
        await _factory.CreateUserAsync("scan-owner", Password, administrator: false);
        await Task.WhenAll(Enumerable.Range(1, Clients).Select(i => _factory.CreateUserAsync(UserName(i), Password, administrator: false)));
        _factory.Services.GetRequiredService<ILoggerFactory>().AddProvider(_errors);
        await _factory.Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "test");
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    private static string UserName(int i) => $"user{i:00}";

    [Fact]
    public async Task Fifty_users_saving_their_mailbox_settings_during_a_10000_message_scan_lose_no_save_and_see_no_error()
    {
        var ct = TestContext.Current.CancellationToken;
        var folder = "load-" + Guid.NewGuid().ToString("N")[..8];
        var messages = FaultScanHarness.Messages(folder, Messages, bodyBytes: 300);
        await FaultScanHarness.AppendManyAsync(dovecot, dovecot.Bob, folder, messages);

        var app = _factory.Services;
        // One run takes the whole import (the default stops at 2,000 and leaves the rest to the next minute).
        app.GetRequiredService<IOptions<ScannerOptions>>().Value.MaxMessagesPerRun = Messages;
        int scanMailbox, settingsServer;
        await using (var db = await app.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct))
        {
            var imap = new MailServer { Name = "Dovecot", ImapHost = dovecot.Host, ImapPort = dovecot.ImapPort, ImapSecurity = PrivateMail.Domain.Mail.MailSecurity.None, ValidateCertificate = false };
            var other = new MailServer { Name = "Company mail", ImapHost = "127.0.0.1", ImapPort = 1, ImapSecurity = PrivateMail.Domain.Mail.MailSecurity.None, ValidateCertificate = false };
            db.MailServers.AddRange(imap, other);
            await db.SaveChangesAsync(ct);
            var owner = await db.Users.Where(u => u.UserName == "scan-owner").Select(u => u.Id).SingleAsync(ct);
            var mailbox = new Mailbox
            {
                OwnerId = owner, Name = "Scanned", MailServerId = imap.Id, Login = dovecot.Bob.Login,
                PasswordProtected = app.GetRequiredService<SecretProtector>().Protect(dovecot.Bob.Password), Folders = [folder],
                Actions = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket,
                SearchFields = [.. SearchFields.DefaultKeys],
            };
            db.Mailboxes.Add(mailbox);
            await db.SaveChangesAsync(ct);
            (scanMailbox, settingsServer) = (mailbox.Id, other.Id);
        }

        var http = await Task.WhenAll(Enumerable.Range(1, Clients).Select(i => _factory.CreateSignedInClientAsync(UserName(i), Password)));
        try
        {
            var coordinator = app.GetRequiredService<ScanCoordinator>();
            var clock = Stopwatch.StartNew();
            var scan = Task.Run(() => coordinator.RunAsync(scanMailbox, null, ct), ct);
            await FaultScanHarness.WaitUntilAsync(() => Task.FromResult(coordinator.Current(scanMailbox) is { Stored: > 0 } || scan.IsCompleted), TimeSpan.FromSeconds(60), "the scan stored its first batch");
            Assert.False(scan.IsCompleted, "The scan ended before the clients started.");

            var last = new ConcurrentDictionary<int, (string Name, List<string> Folders, List<string> Exceptions, ScannerActions Actions, int Saves)>();
            await Task.WhenAll(Enumerable.Range(1, Clients).Select(i => Task.Run(() => ClientAsync(i, http[i - 1], settingsServer, scan, last, ct), ct)));
            var scanned = await scan.WaitAsync(TimeSpan.FromSeconds(400), ct) ?? throw new InvalidOperationException("The scan did not run.");
            TestContext.Current.TestOutputHelper?.WriteLine($"{Messages} messages scanned in {clock.Elapsed.TotalSeconds:0.0} s; {last.Values.Sum(v => v.Saves)} saves by {Clients} clients meanwhile.");

            Assert.Equal((ScanRunStatus.Done, Messages, Messages), (scanned.Status, scanned.Fetched, scanned.Stored));
            Assert.Equal(Clients, last.Count);
            Assert.All(last.Values, v => Assert.True(v.Saves >= 2, "A client saved fewer than twice during the scan."));
            await using var check = await app.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
            var rows = await check.Mailboxes.AsNoTracking().Include(m => m.Owner).Where(m => m.Id != scanMailbox).ToListAsync(ct);
            Assert.Equal(Clients, rows.Count);
            foreach (var row in rows)
            {
                var i = int.Parse(row.Owner!.UserName![4..], System.Globalization.CultureInfo.InvariantCulture);
                var expected = last[i];
                Assert.Equal((expected.Name, expected.Actions), (row.Name, row.Actions));
                Assert.Equal(expected.Folders, row.Folders);
                Assert.Equal(expected.Exceptions, row.EmailExceptions);
            }

            Assert.Equal(Messages, await check.Emails.CountAsync(e => e.MailboxId == scanMailbox, ct));
            Assert.Equal(Messages, await check.Emails.Where(e => e.MailboxId == scanMailbox).Select(e => e.MessageId).Distinct().CountAsync(ct));
            Assert.Equal(Messages, await check.Tickets.CountAsync(ct));
            Assert.True(_errors.Entries.IsEmpty, "Errors logged under load:\n" + string.Join("\n", _errors.Entries.Take(5)));
        }
        finally
        {
            foreach (var client in http)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>
    /// One user: save new settings (each save different), every fifth save read the Mailbox tab over HTTP, until the
    /// scan is over (at least twice, at most <see cref="MaxSavesPerClient"/> times). Records the last saved values.
    /// </summary>
    private async Task ClientAsync(
        int i, HttpClient http, int serverId, Task scan,
        ConcurrentDictionary<int, (string Name, List<string> Folders, List<string> Exceptions, ScannerActions Actions, int Saves)> last,
        CancellationToken ct)
    {
        await using var circuit = await UserScope.StartAsync(_factory.Services, UserName(i));
        var service = circuit.Get<MailboxService>();
        var model = await service.GetAsync(ct) ?? await service.CreateDefaultAsync(ct);
        for (var k = 1; k <= MaxSavesPerClient && (k <= 2 || !scan.IsCompleted); k++)
        {
            model.Name = $"Box of {UserName(i)} save {k}";
            model.MailServerId = serverId;
            model.Login = UserName(i);
            model.Password = k == 1 ? "pw-" + UserName(i) : "";
            model.Status = MailboxStatus.Inactive;
            model.Folders = ["INBOX", $"Folder-{i}-{k}"];
            model.EmailExceptions = [$"blocked{k}@{UserName(i)}.example"];
            model.Actions = k % 2 == 0 ? ScannerActions.CreateEmail : ScannerActions.CreateEmail | ScannerActions.BindEmail;
            var result = await service.SaveAsync(model, ct);
            Assert.True(result.Succeeded, $"{UserName(i)} save {k}: " + string.Join("; ", result.FieldErrors.Select(e => $"{e.Key}: {e.Value}")));
            last[i] = (model.Name, [.. model.Folders], [.. model.EmailExceptions], model.Actions, k);

            if (k % 5 == 1)
            {
                var page = await http.GetStringAsync("my-settings/mailbox", ct);
                Assert.Contains($"Box of {UserName(i)} save {k}", page);
                Assert.DoesNotMatch($"Box of user(?!{i:00})", page);
            }

            // The next save starts from what the page would show after saving: the service's own view of the row.
            model = await service.GetAsync(ct) ?? throw new InvalidOperationException($"{UserName(i)}'s mailbox vanished.");
            Assert.Equal($"Box of {UserName(i)} save {k}", model.Name);
        }
    }

    /// <summary>Every log entry at Error or above, from any category of the hosted app.</summary>
    private sealed class ErrorLog : ILoggerProvider
    {
        public ConcurrentQueue<string> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (logLevel >= LogLevel.Error)
                {
                    entries.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
                }
            }
        }
    }
}
