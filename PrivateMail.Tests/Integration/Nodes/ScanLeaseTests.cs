using System.Globalization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Nodes;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Features.Setup;

namespace PrivateMail.Tests.Integration.Nodes;

/// <summary>
/// Several app nodes on one PostgreSQL database, each its own service container (own pools, own singletons) as separate
/// processes would be: mailbox leases spread evenly and move to a live node when their holder stops renewing; the scan
/// gate and the first-run set-up hold across nodes. The two-process journey (real app processes, SIGKILL) is in
/// <see cref="TwoNodeProcessTests"/>.
/// </summary>
public sealed class ScanLeaseTests : IAsyncDisposable
{
    private readonly TestDatabase _database = new(DatabaseProvider.PostgreSql);
    private readonly List<AppServices> _nodes = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _database.Dispose();
    }

    private async Task<AppServices> NodeAsync(string nodeId, int leaseSeconds = 60)
    {
        var node = await AppServices.StartAsync(_database, configure: s => s.Configure<NodeOptions>(o =>
        {
            o.NodeId = nodeId;
            o.LeaseSeconds = leaseSeconds;
        }));
        _nodes.Add(node);
        return node;
    }

    private static LeaseKeeper Keeper(AppServices node) => node.Services.GetRequiredService<LeaseKeeper>();

    /// <summary>Mailboxes the schedule would scan (credentials, an active owner, Active), each of its own owner.</summary>
    private static async Task<List<int>> MailboxesAsync(AppServices node, int count)
    {
        await using var db = await node.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        var server = new MailServer { Name = "Lease test server", ImapHost = "127.0.0.1", ImapPort = 1, ImapSecurity = MailSecurity.None };
        db.MailServers.Add(server);
        var mailboxes = Enumerable.Range(1, count).Select(i =>
        {
            var owner = new ApplicationUser { UserName = $"owner{i}", NormalizedUserName = $"OWNER{i}", Email = $"owner{i}@crm.example", SecurityStamp = "x" };
            db.Users.Add(owner);
            return new Mailbox { Owner = owner, Name = $"Box {i}", MailServer = server, Login = $"user{i}", PasswordProtected = "not-read-here", Folders = ["INBOX"] };
        }).ToList();
        db.Mailboxes.AddRange(mailboxes);
        await db.SaveChangesAsync(Ct);
        return mailboxes.Select(m => m.Id).ToList();
    }

    private async Task<Dictionary<string, int>> LeaseRowsAsync()
    {
        await using var db = await _nodes[0].Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        return await db.ScanLeases.Where(l => l.ExpiresAt > DateTimeOffset.UtcNow).GroupBy(l => l.NodeId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, Ct);
    }

    [Fact]
    public async Task Two_nodes_share_twenty_mailboxes_ten_each_and_never_hold_the_same_one()
    {
        var a = await NodeAsync("node-a");
        var ids = await MailboxesAsync(a, 20);
        var b = await NodeAsync("node-b");

        // A alone takes everything; B comes up and finds nothing free; A sees two live nodes and gives half away; B takes it.
        await Keeper(a).RenewAsync(Ct);
        Assert.Equal(20, Keeper(a).Held.Count);
        await Keeper(b).RenewAsync(Ct);
        Assert.Empty(Keeper(b).Held);
        await Keeper(a).RenewAsync(Ct);
        await Keeper(b).RenewAsync(Ct);

        var heldByA = Keeper(a).Held.ToHashSet();
        var heldByB = Keeper(b).Held.ToHashSet();
        Assert.Equal(10, heldByA.Count);
        Assert.Equal(10, heldByB.Count);
        Assert.Empty(heldByA.Intersect(heldByB));
        Assert.Equal(ids.Order(), heldByA.Union(heldByB).Order());
        Assert.All(ids, id => Assert.True(Keeper(a).Holds(id) ^ Keeper(b).Holds(id)));
        Assert.Equal(new Dictionary<string, int> { ["node-a"] = 10, ["node-b"] = 10 }, await LeaseRowsAsync());
        Assert.Equal(2, Keeper(a).LiveNodes);

        // A third node: shares of ceil(20 / 3) = 7, so nobody holds more than 7 and all 20 stay held.
        var c = await NodeAsync("node-c");
        foreach (var keeper in new[] { c, a, b, c }.Select(Keeper))
        {
            await keeper.RenewAsync(Ct);
        }

        var counts = new[] { a, b, c }.Select(n => Keeper(n).Held.Count).ToList();
        Assert.All(counts, n => Assert.InRange(n, 6, 7));
        Assert.Equal(20, counts.Sum());
    }

    [Fact]
    public async Task A_node_that_stops_renewing_loses_its_mailboxes_to_a_live_node_once_the_lease_expires_and_not_before()
    {
        const int lease = 3;
        var a = await NodeAsync("node-a", lease);
        var ids = await MailboxesAsync(a, 6);
        var b = await NodeAsync("node-b", lease);
        // Taken before A's renewal starts: a lower bound of its lease's start, so "not before expiry" cannot fail by delay.
        var renewedAt = DateTimeOffset.UtcNow;
        await Keeper(a).RenewAsync(Ct);
        await Keeper(b).RenewAsync(Ct);
        Assert.Equal(6, Keeper(a).Held.Count);
        Assert.Empty(Keeper(b).Held);

        // A "dies": it renews no more. B keeps renewing as its keeper would, and takes A's mailboxes once they expire.
        while (Keeper(b).Held.Count < ids.Count)
        {
            Assert.True(DateTimeOffset.UtcNow - renewedAt < TimeSpan.FromSeconds(lease * 4), $"B took {Keeper(b).Held.Count} of {ids.Count} mailboxes.");
            await Task.Delay(TimeSpan.FromMilliseconds(250), Ct);
            await Keeper(b).RenewAsync(Ct);
            if (Keeper(b).Held.Count > 0)
            {
                // Never before the lease ran out (measured from before A's renewal, so this is a lower bound).
                Assert.True(DateTimeOffset.UtcNow - renewedAt >= TimeSpan.FromSeconds(lease - 0.5), "B took a lease before it expired.");
            }
        }

        Assert.Equal(ids.Order(), Keeper(b).Held.Order());
        // A, had it been only slow, would no longer trust its leases by now: no moment with two holders.
        Assert.Empty(Keeper(a).Held);
        Assert.All(ids, id => Assert.False(Keeper(a).Holds(id)));
    }

    [Fact]
    public async Task A_node_stopping_cleanly_hands_its_mailboxes_over_at_once()
    {
        var a = await NodeAsync("node-a");
        var ids = await MailboxesAsync(a, 4);
        var b = await NodeAsync("node-b");
        await Keeper(a).RenewAsync(Ct);
        await Keeper(b).RenewAsync(Ct);
        Assert.Empty(Keeper(b).Held);

        await Keeper(a).StopAsync(Ct);
        await Keeper(b).RenewAsync(Ct);

        // A 60-second lease, yet B holds everything right away: A deleted its leases and heartbeat on the way out.
        Assert.Equal(ids.Order(), Keeper(b).Held.Order());
        Assert.Equal(1, Keeper(b).LiveNodes);
    }

    [Fact]
    public async Task Scan_now_on_one_node_while_another_node_scans_the_mailbox_is_refused_with_the_reason_in_the_users_language()
    {
        var a = await NodeAsync("node-a");
        var id = (await MailboxesAsync(a, 1))[0];
        var b = await NodeAsync("node-b");
        var coordinatorB = b.Services.GetRequiredService<ScanCoordinator>();

        // Node A is scanning the mailbox: it holds the mailbox's scan gate, which every node shares.
        await using (var scanOnA = await a.Services.GetRequiredService<ClusterLocks>().TryAcquireAsync(ClusterLockKey.Scan(id), Ct))
        {
            Assert.NotNull(scanOnA);
            Assert.Null(await b.Services.GetRequiredService<ClusterLocks>().TryAcquireAsync(ClusterLockKey.Scan(id), Ct));
            Assert.Equal(ScanRefusal.RunningOnAnotherNode, await coordinatorB.TryStartAsync(id, null, Ct));
            Assert.Null(await coordinatorB.RunAsync(id, null, Ct));
            var (ran, _) = await coordinatorB.TryExclusiveAsync(id, _ => Task.FromResult(1), Ct);
            Assert.False(ran);
            Assert.False(coordinatorB.IsRunning(id));

            var culture = CultureInfo.CurrentUICulture;
            try
            {
                CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("pl");
                var polish = Assert.Throws<ScanRunningElsewhereException>(() => ScanNowRefusal.Started(ScanRefusal.RunningOnAnotherNode));
                Assert.Contains("innym serwerze aplikacji", polish.Message, StringComparison.Ordinal);
                CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
                var english = Assert.Throws<ScanRunningElsewhereException>(() => ScanNowRefusal.Started(ScanRefusal.RunningOnAnotherNode));
                Assert.Contains("another app server", english.Message, StringComparison.Ordinal);
            }
            finally
            {
                CultureInfo.CurrentUICulture = culture;
            }
        }

        // A's scan ended: B may work on the mailbox now.
        var (ranAfter, result) = await coordinatorB.TryExclusiveAsync(id, _ => Task.FromResult(42), Ct);
        Assert.True(ranAfter);
        Assert.Equal(42, result);
    }

    [Fact]
    public async Task A_run_left_running_by_a_dead_node_is_closed_as_interrupted_by_the_next_node_that_holds_the_mailbox()
    {
        var a = await NodeAsync("node-a");
        var id = (await MailboxesAsync(a, 1))[0];
        int runId;
        await using (var db = await a.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct))
        {
            var run = new ScanRun { MailboxId = id, StartedAt = DateTimeOffset.UtcNow.AddMinutes(-1), Status = ScanRunStatus.Running };
            db.ScanRuns.Add(run);
            await db.SaveChangesAsync(Ct);
            runId = run.Id;
        }

        // Another node starting must not close it (the scan may be alive on a node still running)…
        var b = await NodeAsync("node-b");
        await using (var db = await b.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct))
        {
            Assert.Equal(ScanRunStatus.Running, (await db.ScanRuns.SingleAsync(r => r.Id == runId, Ct)).Status);
        }

        // …but whoever next holds the mailbox's gate knows nobody is scanning it.
        var (ran, _) = await b.Services.GetRequiredService<ScanCoordinator>().TryExclusiveAsync(id, _ => Task.FromResult(0), Ct);
        Assert.True(ran);
        await using (var db = await b.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct))
        {
            var run = await db.ScanRuns.SingleAsync(r => r.Id == runId, Ct);
            Assert.Equal(ScanRunStatus.Interrupted, run.Status);
            Assert.NotNull(run.FinishedAt);
        }
    }

    [Fact]
    public async Task Two_first_visitors_on_two_nodes_at_once_make_exactly_one_administrator()
    {
        var a = await NodeAsync("node-a");
        var b = await NodeAsync("node-b");
        // One shared data folder, as the README asks of several nodes: both read the same set-up code.
        await a.Services.GetRequiredService<SetupCode>().PrepareAsync(_database.Directory, NullLogger.Instance);
        await b.Services.GetRequiredService<SetupCode>().PrepareAsync(_database.Directory, NullLogger.Instance);
        var code = await File.ReadAllTextAsync(Path.Combine(_database.Directory, SetupCode.FileName), Ct);

        async Task<IReadOnlyList<string>> CreateAsync(AppServices node, string name)
        {
            await using var scope = node.Services.CreateAsyncScope();
            var model = new SetupModel { SetupCode = code, UserName = name, Email = $"{name}@example.test", Password = "Secret123!", ConfirmPassword = "Secret123!" };
            return await scope.ServiceProvider.GetRequiredService<AdministratorSetupService>().CreateAsync(model, "en");
        }

        // Many rounds: the window between "no user yet" and "user created" is short and must be closed every time.
        for (var round = 0; round < 5; round++)
        {
            var results = await Task.WhenAll(Task.Run(() => CreateAsync(a, $"first{round}")), Task.Run(() => CreateAsync(b, $"second{round}")));
            if (round == 0)
            {
                Assert.Single(results, r => r.Count == 0);
            }
            else
            {
                Assert.All(results, r => Assert.NotEmpty(r));
            }
        }

        await using var check = b.Services.CreateAsyncScope();
        var users = check.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.Single(await users.GetUsersInRoleAsync(Roles.Administrator));
        Assert.Equal(1, await users.Users.CountAsync(Ct));
    }
    [Fact]
    public async Task Two_nodes_storing_the_same_message_at_once_keep_one_email_and_both_get_its_id()
    {
        var a = await NodeAsync("node-a");
        var b = await NodeAsync("node-b");
        var id = (await MailboxesAsync(a, 1))[0];
        string owner;
        await using (var db = await a.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct))
        {
            owner = await db.Mailboxes.Where(m => m.Id == id).Select(m => m.OwnerId).SingleAsync(Ct);
        }

        NewEmail Message(int round) => new()
        {
            OwnerId = owner, MailboxId = id, Subject = "Same message", Folder = "INBOX",
            From = EmailAddress.Parse("anna@customer.example"), To = [EmailAddress.Parse("support@crm.example")!],
            Date = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), MessageId = $"<same-{round}@customer.example>", Text = "Hello " + round,
        };

        // Rounds of a Sent copy stored on one node while the other stores it too (each node its own pool and store).
        for (var round = 0; round < 10; round++)
        {
            var results = await Task.WhenAll(
                Task.Run(() => a.Services.GetRequiredService<EmailStore>().StoreAsync(Message(round), Ct)),
                Task.Run(() => b.Services.GetRequiredService<EmailStore>().StoreAsync(Message(round), Ct)));
            Assert.Equal(results[0].Id, results[1].Id);
            Assert.Single(results, r => r.Created);
        }

        await using var check = await b.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        Assert.Equal(10, await check.Emails.CountAsync(e => e.MailboxId == id, Ct));
    }
}
