using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.Faults;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.LiveUpdates;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Tests.Integration.LiveUpdates;

/// <summary>
/// A real scan of a Dovecot folder on node A, watched from node B (another service container on the same PostgreSQL):
/// B's page hears the scan running and its end with the run's final counters, and B's e-mail list hears the stored mail.
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed class CrossNodeScanProgressTests(DovecotFixture dovecot)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_scan_on_node_a_is_followed_on_node_b_to_its_final_counters()
    {
        var folder = "cross-node-" + Guid.NewGuid().ToString("N")[..8];
        await FaultScanHarness.AppendManyAsync(dovecot, dovecot.Bob, folder, FaultScanHarness.Messages(folder, 60));
        await using var nodeA = await FaultScanHarness.StartAsync(o => o.BatchSize = 10, provider: DatabaseProvider.PostgreSql);
        var mailboxId = await nodeA.AddMailboxAsync(dovecot.Host, dovecot.ImapPort, dovecot.Bob, folder);
        await using var nodeB = await AppServices.StartAsync(nodeA.Database);
        await ((PostgreSqlLiveBackplane)nodeB.Services.GetRequiredService<ILiveBackplane>()).WhenListeningAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);
        await ((PostgreSqlLiveBackplane)nodeA.Services.GetRequiredService<ILiveBackplane>()).WhenListeningAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);

        var heard = new ConcurrentQueue<ScanProgress>();
        var ended = new TaskCompletionSource<ScanProgress>(TaskCreationOptions.RunContinuationsAsynchronously);
        var coordinatorB = nodeB.Services.GetRequiredService<ScanCoordinator>();
        using var page = coordinatorB.Subscribe(mailboxId, p =>
        {
            heard.Enqueue(p);
            if (p.Status != ScanRunStatus.Running)
            {
                ended.TrySetResult(p);
            }
        });
        var emails = new ConcurrentDictionary<string, byte>();
        using var list = nodeB.Services.GetRequiredService<RecordChangeNotifier>().Subscribe(RecordChangeKind.Email, changes =>
        {
            foreach (var change in changes.Where(c => c.Kind == RecordChangeKind.Email))
            {
                emails.TryAdd(change.Id, 0);
            }
        });

        var run = await nodeA.ScanAsync(mailboxId, Ct);

        var final = await ended.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        Assert.Equal((ScanRunStatus.Done, 60, 60), (run.Status, run.Fetched, run.Stored));
        Assert.Equal(
            (run.RunId, run.Status, run.Fetched, run.Stored, run.Bound, run.TicketsCreated, run.Duplicates),
            (final.RunId, final.Status, final.Fetched, final.Stored, final.Bound, final.TicketsCreated, final.Duplicates));
        Assert.Contains(heard, p => p.Status == ScanRunStatus.Running && p.RunId == run.RunId);
        Assert.Equal(final, heard.Last());
        // Node B runs no scan of it and, after the end, shows none running.
        Assert.False(coordinatorB.IsRunning(mailboxId));
        Assert.Null(coordinatorB.Current(mailboxId));
        // Every stored e-mail was announced on node B (record changes are published before the batch's progress).
        Assert.Equal(60, emails.Count);
    }
}
