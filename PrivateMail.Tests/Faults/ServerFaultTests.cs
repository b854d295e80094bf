using System.Diagnostics;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Tests.Faults;

/// <summary>
/// The network between the scanner and Dovecot misbehaves (through <see cref="TcpFaultProxy"/>): a connection cut in
/// the middle of a FETCH, a server slower than <c>PrivateMail:Imap:Timeout</c>. Each locks the mailbox with the error,
/// and once the network heals the next scan finishes with nothing lost and nothing duplicated. (Dovecot killed and
/// restarted mid-scan is covered by Integration/MailboxScannerTests.)
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed class ServerFaultTests(DovecotFixture dovecot)
{
    private const int Count = 60;
    private const int BodyBytes = 4000;

    [Fact]
    public async Task A_connection_cut_mid_fetch_locks_the_mailbox_with_a_network_error_and_the_next_scan_loses_and_duplicates_nothing()
    {
        var folder = "cut-" + Guid.NewGuid().ToString("N")[..8];
        var messages = FaultScanHarness.Messages(folder, Count, BodyBytes);
        await FaultScanHarness.AppendManyAsync(dovecot, dovecot.Bob, folder, messages);
        await using var proxy = new TcpFaultProxy(dovecot.Host, dovecot.ImapPort);
        await using var harness = await FaultScanHarness.StartAsync(o => o.BatchSize = 10);
        var mailboxId = await harness.AddMailboxAsync(proxy.Host, proxy.Port, dovecot.Bob, folder);

        // Login, SELECT and SEARCH take a few KB; the bodies ~4.3 KB each: 120 KB ends inside the FETCH of a middle batch.
        proxy.CutAfter = 120_000;
        var broken = await harness.ScanAsync(mailboxId, TestContext.Current.CancellationToken);

        Assert.True(proxy.FirstCut.IsCompleted, "The proxy never cut the connection.");
        Assert.Equal(ScanRunStatus.Error, broken.Status);
        Assert.InRange(broken.Stored, 1, Count - 1);
        var (status, error) = await harness.MailboxStateAsync(mailboxId);
        Assert.Equal(MailboxStatus.Locked, status);
        Assert.StartsWith("The connection failed", error);
        Assert.Equal(error, broken.FirstError);

        proxy.Heal();
        var runs = await harness.ScanUntilNothingNewAsync(mailboxId);

        Assert.Equal(Count - broken.Stored, runs.Sum(r => r.Stored));
        Assert.Equal(MailboxStatus.Active, (await harness.MailboxStateAsync(mailboxId)).Status);
        await harness.AssertExactlyOnceAsync(messages.Select(m => m.MessageId!).ToList());
    }

    [Fact]
    public async Task A_server_slower_than_the_imap_timeout_ends_the_scan_in_time_locks_the_mailbox_and_it_recovers_once_the_server_is_fast()
    {
        var timeout = TimeSpan.FromSeconds(2);
        var folder = "slow-" + Guid.NewGuid().ToString("N")[..8];
        var messages = FaultScanHarness.Messages(folder, Count, BodyBytes);
        await FaultScanHarness.AppendManyAsync(dovecot, dovecot.Bob, folder, messages);
        await using var proxy = new TcpFaultProxy(dovecot.Host, dovecot.ImapPort);
        await using var harness = await FaultScanHarness.StartAsync(o => o.BatchSize = 10, imap => imap.Timeout = timeout);
        var mailboxId = await harness.AddMailboxAsync(proxy.Host, proxy.Port, dovecot.Bob, folder);

        // After the first batch every chunk from the server arrives 4 s late: twice the timeout.
        var slowSince = new Stopwatch();
        void SlowDownAfterFirstBatch(ScanProgress p)
        {
            if (p.MailboxId == mailboxId && p.Status == ScanRunStatus.Running && p.Fetched > 0 && !slowSince.IsRunning)
            {
                proxy.Latency = TimeSpan.FromSeconds(4);
                slowSince.Start();
            }
        }

        var subscription = harness.Coordinator.Subscribe(mailboxId, SlowDownAfterFirstBatch);
        var slow = await harness.ScanAsync(mailboxId, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60));
        subscription.Dispose();
        var endedAfter = slowSince.Elapsed;

        Assert.Equal(ScanRunStatus.Error, slow.Status);
        Assert.InRange(slow.Stored, 10, Count - 1);
        // The configured 2 s, not the 15 s default, ended the wait (the rest is one delayed chunk and the bookkeeping).
        Assert.True(endedAfter < TimeSpan.FromSeconds(12), $"The scan hung on for {endedAfter.TotalSeconds:0.0} s after the server slowed down.");
        var (status, error) = await harness.MailboxStateAsync(mailboxId);
        Assert.True(status == MailboxStatus.Locked, $"The mailbox is {status} after the scan ended with: {slow.FirstError}");
        Assert.Contains("did not answer within the time limit", error);
        Assert.Equal(error, slow.FirstError);

        // Still slow at the next scan: it cannot even log in in time, and says so.
        var clock = Stopwatch.StartNew();
        var stillSlow = await harness.ScanAsync(mailboxId, TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"Connecting to the slow server took {clock.Elapsed.TotalSeconds:0.0} s.");
        Assert.Equal((ScanRunStatus.Error, 0), (stillSlow.Status, stillSlow.Fetched));
        Assert.Contains("did not answer within the time limit", (await harness.MailboxStateAsync(mailboxId)).LastError);

        proxy.Heal();
        var runs = await harness.ScanUntilNothingNewAsync(mailboxId);

        Assert.Equal(Count - slow.Stored, runs.Sum(r => r.Stored));
        Assert.Equal((MailboxStatus.Active, null), await harness.MailboxStateAsync(mailboxId));
        await harness.AssertExactlyOnceAsync(messages.Select(m => m.MessageId!).ToList());
    }
}
