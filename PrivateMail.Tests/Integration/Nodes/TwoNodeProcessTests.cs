using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.Faults;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Secrets;

namespace PrivateMail.Tests.Integration.Nodes;

/// <summary>
/// Two real app processes (<c>dotnet PrivateMail.Web.dll</c>, configured by environment variables as in the container)
/// on one PostgreSQL and one Dovecot, each with its own node id, port and data folder, sharing 20 mailboxes by lease:
/// every message is stored exactly once and both nodes scan; one node SIGKILLed mid-scan is replaced by the other once
/// its leases expire (a 4-second lease here), and the import finishes exactly once.
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed class TwoNodeProcessTests(DovecotFixture dovecot)
{
    private const int Mailboxes = 20;
    private const int LeaseSeconds = 4;

    private static readonly Dictionary<string, string> NodeSettings = new()
    {
        ["PrivateMail:Nodes:LeaseSeconds"] = $"{LeaseSeconds}",
        ["PrivateMail:Nodes:RenewSeconds"] = "1",
        // The schedule every second; IDLE off: twenty IDLE connections as one Dovecot user would pass its per-user cap.
        ["Scanner:IntervalSeconds"] = "1",
        ["Scanner:Push"] = "false",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_nodes_scan_twenty_mailboxes_each_message_stored_once_and_both_nodes_scanning()
    {
        // The issue's size: 20 mailboxes × 500 (≈ 80 s on a quiet machine; the bound below is for a loaded one).
        const int perMailbox = 500;
        var connectionString = PostgreSqlServer.Shared.CreateDatabase();
        try
        {
            var messageIds = await SeedAsync(connectionString, "spread", perMailbox);
            var clock = Stopwatch.StartNew();
            await using var a = AppNodeProcess.Start("node-a", connectionString, NodeSettings);
            await using var b = AppNodeProcess.Start("node-b", connectionString, NodeSettings);
            await Task.WhenAll(a.WaitUntilServingAsync(TimeSpan.FromSeconds(60)), b.WaitUntilServingAsync(TimeSpan.FromSeconds(60)));
            Log($"Both nodes serving after {clock.Elapsed.TotalSeconds:0.0} s.");

            await WaitForEmailsAsync(connectionString, messageIds.Count, TimeSpan.FromSeconds(480), a, b);
            var elapsed = clock.Elapsed;

            await AssertExactlyOnceAsync(connectionString, messageIds);
            await using var db = Db(connectionString);
            var storedByNode = await db.ScanRuns.Where(r => r.NodeId != null).GroupBy(r => r.NodeId!)
                .Select(g => new { Node = g.Key, Stored = g.Sum(r => r.Stored), Mailboxes = g.Where(r => r.Stored > 0).Select(r => r.MailboxId).Distinct().Count() })
                .ToDictionaryAsync(g => g.Node, Ct);
            Assert.True(storedByNode.TryGetValue("node-a", out var byA) && byA.Mailboxes > 0, $"node-a scanned nothing:\n{a.Output}");
            Assert.True(storedByNode.TryGetValue("node-b", out var byB) && byB.Mailboxes > 0, $"node-b scanned nothing:\n{b.Output}");
            Assert.Equal(messageIds.Count, byA.Stored + byB.Stored);
            // Both nodes alive: the leases are shared evenly (ceil(20 / 2) each).
            var leases = await db.ScanLeases.GroupBy(l => l.NodeId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, Ct);
            Assert.Equal(new Dictionary<string, int> { ["node-a"] = Mailboxes / 2, ["node-b"] = Mailboxes / 2 }, leases);
            Log(
                $"Two nodes: {messageIds.Count} messages in {elapsed.TotalSeconds:0.0} s from the nodes' start; node-a stored {byA.Stored} in {byA.Mailboxes} mailboxes, node-b {byB.Stored} in {byB.Mailboxes}.");
        }
        finally
        {
            PostgreSqlServer.Shared.DropDatabase(connectionString);
        }
    }

    [Fact]
    public async Task A_node_killed_with_sigkill_mid_scan_is_replaced_by_the_other_after_its_lease_expires_and_every_message_is_stored_once()
    {
        const int perMailbox = 200;
        var connectionString = PostgreSqlServer.Shared.CreateDatabase();
        try
        {
            var messageIds = await SeedAsync(connectionString, "kill", perMailbox);
            await using var a = AppNodeProcess.Start("node-a", connectionString, NodeSettings);
            await using var b = AppNodeProcess.Start("node-b", connectionString, NodeSettings);
            await Task.WhenAll(a.WaitUntilServingAsync(TimeSpan.FromSeconds(60)), b.WaitUntilServingAsync(TimeSpan.FromSeconds(60)));

            // Kill A mid-scan, once both nodes hold their share and A has stored part of its own. Between two of its runs
            // A scans nothing (the schedule ticks every second), so it is frozen (SIGSTOP) when a run of its mailboxes
            // shows Running, and killed only if, frozen, it still has one; else it goes on and is caught at its next run.
            List<int> heldByA = [];
            List<int> runningOnA = [];
            await FaultScanHarness.WaitUntilAsync(async () =>
            {
                await using var db = Db(connectionString);
                var leases = await db.ScanLeases.AsNoTracking().ToListAsync(Ct);
                heldByA = leases.Where(l => l.NodeId == "node-a").Select(l => l.MailboxId).ToList();
                var storedByA = await db.Emails.CountAsync(e => heldByA.Contains(e.MailboxId!.Value), Ct);
                if (leases.Count(l => l.NodeId == "node-b") != Mailboxes / 2 || heldByA.Count != Mailboxes / 2 || storedByA < perMailbox
                    || !await db.ScanRuns.AnyAsync(r => r.Status == ScanRunStatus.Running && heldByA.Contains(r.MailboxId), Ct))
                {
                    return false;
                }

                a.Pause();
                runningOnA = await db.ScanRuns.Where(r => r.Status == ScanRunStatus.Running && heldByA.Contains(r.MailboxId)).Select(r => r.Id).ToListAsync(Ct);
                if (runningOnA.Count == 0)
                {
                    a.Resume();
                }

                return runningOnA.Count > 0;
            }, TimeSpan.FromSeconds(120), "node-a is scanning, having stored part of its half");
            await a.KillAsync();
            var killedAt = Stopwatch.StartNew();
            var killedAtUtc = DateTimeOffset.UtcNow;

            int unfinished;
            await using (var db = Db(connectionString))
            {
                var stored = await db.Emails.Where(e => heldByA.Contains(e.MailboxId!.Value)).GroupBy(e => e.MailboxId)
                    .Select(g => g.Count()).ToListAsync(Ct);
                unfinished = heldByA.Count - stored.Count(n => n == perMailbox);
            }

            Assert.True(unfinished > 0, "node-a had finished its mailboxes before the kill: nothing was left to take over.");

            await WaitForEmailsAsync(connectionString, messageIds.Count, TimeSpan.FromSeconds(180), b);
            await AssertExactlyOnceAsync(connectionString, messageIds);
            await using (var db = Db(connectionString))
            {
                // B holds all twenty now, and it was B that stored the rest of A's mailboxes.
                Assert.Equal(Mailboxes, await db.ScanLeases.CountAsync(l => l.NodeId == "node-b", Ct));
                Assert.True(await db.ScanRuns.AnyAsync(r => r.NodeId == "node-b" && heldByA.Contains(r.MailboxId) && r.Stored > 0, Ct));
                // The runs A was in the middle of, each closed by B when it took the mailbox's gate.
                Assert.Equal(
                    runningOnA.Select(_ => ScanRunStatus.Interrupted),
                    await db.ScanRuns.Where(r => runningOnA.Contains(r.Id)).OrderBy(r => r.Id).Select(r => r.Status).ToListAsync(Ct));
                // Nothing from before the kill is left Running (B goes on scanning every second, so its own may be).
                Assert.False(await db.ScanRuns.AnyAsync(r => r.Status == ScanRunStatus.Running && r.StartedAt < killedAtUtc, Ct), "A run from before the kill is still Running.");
            }

            Log($"Takeover: {unfinished} of node-a's mailboxes unfinished at the kill; all stored {killedAt.Elapsed.TotalSeconds:0.0} s after it.");
        }
        finally
        {
            PostgreSqlServer.Shared.DropDatabase(connectionString);
        }
    }

    /// <summary>
    /// Twenty owners, each with a mailbox on Dovecot's bob reading a folder of its own, filled with MULTIAPPEND; My mail
    /// on. Done through the app's own services (an in-process node that is stopped before the processes start), so the
    /// passwords are encrypted with the key ring in the database that the processes read.
    /// </summary>
    private async Task<List<string>> SeedAsync(string connectionString, string tag, int perMailbox)
    {
        var run = $"{tag}{Guid.NewGuid().ToString("N")[..6]}";
        var messageIds = new List<string>();
        var folders = Enumerable.Range(1, Mailboxes).Select(i => $"{run}-{i}").ToList();
        var clock = Stopwatch.StartNew();
        // Four connections at a time: Dovecot allows ten per user and address, and other tests use bob too.
        await Parallel.ForEachAsync(folders, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Ct }, async (folder, _) =>
        {
            var messages = FaultScanHarness.Messages(folder, perMailbox, bodyBytes: 400);
            lock (messageIds)
            {
                messageIds.AddRange(messages.Select(m => m.MessageId!));
            }

            await FaultScanHarness.AppendManyAsync(dovecot, dovecot.Bob, folder, messages);
        });
        Log($"Seeded {messageIds.Count} messages in {Mailboxes} folders in {clock.Elapsed.TotalSeconds:0.0} s.");

        await using var seeder = new PrivateMailAppFactory();
        seeder.Settings[DatabaseProviders.ProviderKey] = "PostgreSql";
        seeder.Settings["ConnectionStrings:PrivateMail"] = connectionString;
        seeder.Settings["PrivateMail:Nodes:NodeId"] = "seeder";
        _ = seeder.BaseAddress;
        await seeder.Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "two-node test");
        var protector = seeder.Services.GetRequiredService<SecretProtector>();
        await using var db = await seeder.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);
        var server = new MailServer { Name = "Dovecot", ImapHost = dovecot.Host, ImapPort = dovecot.ImapPort, ImapSecurity = MailSecurity.None, ValidateCertificate = false };
        db.MailServers.Add(server);
        for (var i = 0; i < folders.Count; i++)
        {
            var owner = new ApplicationUser
            {
                UserName = $"owner{i}", NormalizedUserName = $"OWNER{i}", Email = $"owner{i}@crm.example", ProvenEmail = $"owner{i}@crm.example", SecurityStamp = "x",
            };
            db.Users.Add(owner);
            db.Mailboxes.Add(new Mailbox
            {
                Owner = owner, Name = $"Box {i}", MailServer = server, Login = dovecot.Bob.Login,
                PasswordProtected = protector.Protect(dovecot.Bob.Password),
                Folders = [folders[i]],
                Actions = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.OpenTicket | ScannerActions.CreateTicket,
                SearchFields = [.. SearchFields.DefaultKeys],
            });
        }

        await db.SaveChangesAsync(Ct);
        return messageIds;
    }

    private static void Log(string message) => TestContext.Current.TestOutputHelper?.WriteLine(message);

    private static AppDbContext Db(string connectionString) =>
        new(new DbContextOptionsBuilder<AppDbContext>().Use(DatabaseProvider.PostgreSql, connectionString).Options);

    private static async Task WaitForEmailsAsync(string connectionString, int count, TimeSpan timeout, params AppNodeProcess[] nodes)
    {
        try
        {
            await FaultScanHarness.WaitUntilAsync(async () =>
            {
                Assert.All(nodes, n => Assert.False(n.HasExited, $"{n.NodeId} exited:\n{n.Output}"));
                await using var db = Db(connectionString);
                return await db.Emails.CountAsync(Ct) >= count;
            }, timeout, $"{count} e-mails are stored");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(e.Message + "\n" + string.Join("\n", nodes.Select(n => $"--- {n.NodeId}:\n{n.Output}")), e);
        }
    }

    /// <summary>Every Message-ID once, nothing else; one ticket per e-mail, numbers unique across both nodes.</summary>
    private static async Task AssertExactlyOnceAsync(string connectionString, IReadOnlyCollection<string> messageIds)
    {
        await using var db = Db(connectionString);
        var stored = await db.Emails.AsNoTracking().Select(e => e.MessageId!).ToListAsync(Ct);
        Assert.Equal(messageIds.Count, stored.Count);
        Assert.Equal(messageIds.Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
        var tickets = await db.Tickets.AsNoTracking().Select(t => t.Number).ToListAsync(Ct);
        Assert.Equal(messageIds.Count, tickets.Count);
        Assert.Equal(tickets.Count, tickets.Distinct().Count());
        Assert.Equal(messageIds.Count, await db.EmailLinks.CountAsync(l => l.RecordKind == RecordKind.Ticket, Ct));
    }
}
