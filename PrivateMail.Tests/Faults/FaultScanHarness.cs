using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Secrets;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Faults;

/// <summary>
/// The scanner's world for fault tests: the app's core services over a real SQLite file with Data Protection keys kept
/// in the database folder, so the "app" can be stopped and started again (or run in another process) and still read
/// the mailbox password. One owner, one mailbox with all four actions; helpers to deliver many messages with
/// MULTIAPPEND and to check that every delivered message was stored exactly once with exactly one ticket.
/// </summary>
internal sealed class FaultScanHarness : IAsyncDisposable
{
    public const string OwnerName = "faults-owner";

    private FaultScanHarness(TestDatabase database) => Database = database;

    public TestDatabase Database { get; }

    public AppServices? App { get; private set; }

    public IServiceProvider Services => (App ?? throw new InvalidOperationException("The app is stopped.")).Services;

    public ScanCoordinator Coordinator => Services.GetRequiredService<ScanCoordinator>();

    public string OwnerId { get; private set; } = "";

    public string KeysDirectory => Path.Combine(Database.Directory, "keys");

    public static async Task<FaultScanHarness> StartAsync(Action<ScannerOptions>? scanner = null, Action<ImapOptions>? imap = null, Action<IServiceCollection>? services = null, PrivateMail.Web.Data.Providers.DatabaseProvider provider = default)
    {
        var harness = new FaultScanHarness(new TestDatabase(provider));
        try
        {
            await harness.StartAppAsync(scanner, imap, services);
            await using var db = await harness.DbAsync();
            var user = new ApplicationUser { UserName = OwnerName, NormalizedUserName = OwnerName.ToUpperInvariant(), Email = "owner@crm.example", ProvenEmail = "owner@crm.example", SecurityStamp = "x" };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            harness.OwnerId = user.Id;
            return harness;
        }
        catch
        {
            await harness.DisposeAsync();
            throw;
        }
    }

    /// <summary>The same persisted key ring the child process uses (see <see cref="ScanChildProcess"/>).</summary>
    public static IDataProtectionProvider KeyRing(string keysDirectory) =>
        DataProtectionProvider.Create(new DirectoryInfo(keysDirectory), b => b.SetApplicationName("PrivateMail-faults"));

    /// <summary>Starts the app's services (again) over the same database and keys: an app restart.</summary>
    public async Task StartAppAsync(Action<ScannerOptions>? scanner = null, Action<ImapOptions>? imap = null, Action<IServiceCollection>? services = null)
    {
        if (App is not null)
        {
            throw new InvalidOperationException("The app is running already.");
        }

        App = await AppServices.StartAsync(Database, configure: s =>
        {
            s.Replace(ServiceDescriptor.Singleton(KeyRing(KeysDirectory)));
            s.Configure<ScannerOptions>(o => scanner?.Invoke(o));
            s.Configure<ImapOptions>(o => imap?.Invoke(o));
            services?.Invoke(s);
        });
    }

    /// <summary>Stops the app as a host shutdown does: its container and every singleton (the coordinator) are gone.</summary>
    public async Task StopAppAsync()
    {
        if (App is { } app)
        {
            App = null;
            await app.DisposeAsync();
        }
    }

    public async Task<AppDbContext> DbAsync() =>
        await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    /// <summary>A server at host:port (plain IMAP) and the owner's mailbox on it reading <paramref name="folder"/>.</summary>
    public async Task<int> AddMailboxAsync(string host, int port, DovecotUser login, string folder)
    {
        await using var db = await DbAsync();
        var server = new MailServer { Name = $"Server {host}:{port}", ImapHost = host, ImapPort = port, ImapSecurity = MailSecurity.None, ValidateCertificate = false };
        db.MailServers.Add(server);
        await db.SaveChangesAsync();
        var mailbox = new Mailbox
        {
            OwnerId = OwnerId, Name = "Fault box", MailServerId = server.Id, Login = login.Login,
            PasswordProtected = Services.GetRequiredService<SecretProtector>().Protect(login.Password),
            Folders = [folder],
            Actions = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket,
            SearchFields = [.. SearchFields.DefaultKeys],
        };
        db.Mailboxes.Add(mailbox);
        await db.SaveChangesAsync();
        return mailbox.Id;
    }

    /// <summary>Points the mailbox's server at another port (e.g. past the proxy, straight to Dovecot).</summary>
    public async Task SetServerPortAsync(int mailboxId, int port)
    {
        await using var db = await DbAsync();
        var serverId = await db.Mailboxes.Where(m => m.Id == mailboxId).Select(m => m.MailServerId).SingleAsync();
        await db.MailServers.Where(s => s.Id == serverId).ExecuteUpdateAsync(s => s.SetProperty(x => x.ImapPort, port));
    }

    public async Task<ScanProgress> ScanAsync(int mailboxId, CancellationToken cancellationToken = default) =>
        await Coordinator.RunAsync(mailboxId, null, cancellationToken) ?? throw new InvalidOperationException("The scan did not run.");

    /// <summary>Scans until a run finds nothing new (bounded), as the schedule would over several minutes.</summary>
    public async Task<List<ScanProgress>> ScanUntilNothingNewAsync(int mailboxId, int maxRuns = 10)
    {
        var runs = new List<ScanProgress>();
        for (var i = 0; i < maxRuns; i++)
        {
            var run = await ScanAsync(mailboxId, TestContext.Current.CancellationToken);
            runs.Add(run);
            Assert.True(run.Status == ScanRunStatus.Done, $"Run {i + 1} ended {run.Status}: {run.FirstError}");
            if (run.Fetched == 0)
            {
                return runs;
            }
        }

        throw new InvalidOperationException($"Still new mail after {maxRuns} runs.");
    }

    public async Task<(MailboxStatus Status, string? LastError)> MailboxStateAsync(int mailboxId)
    {
        await using var db = await DbAsync();
        var row = await db.Mailboxes.AsNoTracking().SingleAsync(m => m.Id == mailboxId);
        return (row.Status, row.LastError);
    }

    public async Task<int> EmailCountAsync()
    {
        await using var db = await DbAsync();
        return await db.Emails.CountAsync();
    }

    /// <summary>
    /// Every expected Message-ID is stored exactly once and nothing else is; every e-mail is linked to exactly one
    /// ticket, no two e-mails share a ticket, and no ticket exists without its e-mail (none created twice).
    /// </summary>
    public async Task AssertExactlyOnceAsync(IReadOnlyCollection<string> messageIds)
    {
        await using var db = await DbAsync();
        var stored = await db.Emails.AsNoTracking().Select(e => new { e.Id, e.MessageId }).ToListAsync();
        var duplicates = stored.GroupBy(e => e.MessageId).Where(g => g.Count() > 1).Select(g => g.Key).Take(5).ToList();
        Assert.True(duplicates.Count == 0, "Stored more than once: " + string.Join(", ", duplicates));
        var missing = messageIds.Except(stored.Select(e => e.MessageId!), StringComparer.Ordinal).Take(5).ToList();
        Assert.True(missing.Count == 0, $"Never stored ({messageIds.Count - stored.Count} missing), e.g. " + string.Join(", ", missing));
        Assert.Equal(messageIds.Count, stored.Count);

        var ticketLinks = await db.EmailLinks.AsNoTracking().Where(l => l.RecordKind == RecordKind.Ticket)
            .Select(l => new { l.EmailId, l.RecordId }).ToListAsync();
        var perEmail = ticketLinks.GroupBy(l => l.EmailId).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(stored, e => Assert.True(perEmail.GetValueOrDefault(e.Id) == 1, $"{e.MessageId} has {perEmail.GetValueOrDefault(e.Id)} ticket links"));
        Assert.Equal(ticketLinks.Count, ticketLinks.Select(l => l.RecordId).Distinct().Count());
        var tickets = await db.Tickets.AsNoTracking().Select(t => new { t.Id, t.Number }).ToListAsync();
        Assert.True(tickets.Count == messageIds.Count, $"{tickets.Count} tickets for {messageIds.Count} messages: some created twice or never.");
        Assert.Equal(tickets.Count, tickets.Select(t => t.Number).Distinct().Count());
    }

    public async ValueTask DisposeAsync()
    {
        await StopAppAsync();
        Database.Dispose();
    }

    /// <summary>
    /// <paramref name="count"/> small messages, each from its own new sender (so each creates a ticket), with
    /// Message-IDs <c>{tag}-{i}@faults.example</c> (lower case, as the store normalises them).
    /// </summary>
    public static List<MimeMessage> Messages(string tag, int count, int bodyBytes = 600)
    {
        tag = tag.ToLowerInvariant();
        var filler = string.Join(' ', Enumerable.Repeat("lorem ipsum dolor", Math.Max(1, bodyBytes / 18)));
        return Enumerable.Range(1, count).Select(i =>
        {
            var message = new MimeMessage
            {
                Subject = $"{tag} question {i}",
                MessageId = $"{tag}-{i}@faults.example",
                Date = new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero).AddMinutes(i),
            };
            message.From.Add(new MailboxAddress($"Sender {i}", $"sender{i}.{tag}@stranger.example"));
            message.To.Add(new MailboxAddress("Bob", "bob@example.test"));
            message.Body = new TextPart("plain") { Text = $"Message {i}. {filler}" };
            return message;
        }).ToList();
    }

    /// <summary>Delivers the messages to the user's folder with MULTIAPPEND, a few hundred per command.</summary>
    public static async Task AppendManyAsync(DovecotFixture dovecot, DovecotUser user, string folder, IReadOnlyList<MimeMessage> messages)
    {
        var ct = TestContext.Current.CancellationToken;
        // A throwaway message creates the folder the way the fixture does; then the bulk goes in one connection.
        using var client = await dovecot.ConnectAsync(user, SecureSocketOptions.None, ct);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.MultiAppend), "Dovecot should offer MULTIAPPEND.");
        IMailFolder target;
        try
        {
            target = await client.GetFolderAsync(folder, ct);
        }
        catch (FolderNotFoundException)
        {
            target = await client.GetFolder(client.PersonalNamespaces[0]).CreateAsync(folder, isMessageFolder: true, ct)
                ?? throw new InvalidOperationException("Dovecot did not create " + folder);
        }

        foreach (var chunk in messages.Chunk(250))
        {
            var uids = await target.AppendAsync(chunk.Select(m => (IAppendRequest)new AppendRequest(m)).ToList(), ct);
            Assert.Equal(chunk.Length, uids.Count);
        }

        await client.DisconnectAsync(true, ct);
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds, checking every 20 ms.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(20, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Gave up after {timeout.TotalSeconds:0} s waiting until {what}.");
            }
        }
    }
}
