using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Tests.Faults;

/// <summary>
/// An import of 2,000 messages killed mid-way — the host cancelled in-process, and the scanner's process SIGKILLed —
/// then started again: every Message-ID ends up stored exactly once and every ticket created exactly once.
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed class KillAndResumeTests(DovecotFixture dovecot)
{
    private const int Count = 2000;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task A_host_cancelled_mid_import_and_restarted_stores_every_message_and_ticket_exactly_once(DatabaseProvider provider)
    {
        var folder = "kill-" + Guid.NewGuid().ToString("N")[..8];
        var messages = FaultScanHarness.Messages(folder, Count);
        await FaultScanHarness.AppendManyAsync(dovecot, dovecot.Bob, folder, messages);
        await using var harness = await FaultScanHarness.StartAsync(o => o.BatchSize = 50, provider: provider);
        var mailboxId = await harness.AddMailboxAsync(dovecot.Host, dovecot.ImapPort, dovecot.Bob, folder);

        // The host shuts down while the scan is somewhere inside a batch: cancelled from outside at an arbitrary point,
        // not at a batch boundary, once the database shows part of the import.
        using var host = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var scan = harness.ScanAsync(mailboxId, host.Token);
        await FaultScanHarness.WaitUntilAsync(async () => scan.IsCompleted || await harness.EmailCountAsync() >= Count / 4, TimeSpan.FromSeconds(180), "a quarter is stored");
        await host.CancelAsync();
        var stopped = await scan.WaitAsync(TimeSpan.FromSeconds(30));
        await harness.StopAppAsync();

        Assert.Equal(ScanRunStatus.Stopped, stopped.Status);
        Assert.InRange(stopped.Stored, 1, Count - 1);

        await harness.StartAppAsync(o => o.BatchSize = 50);
        Assert.InRange(await harness.EmailCountAsync(), stopped.Stored, Count - 1);
        var resumed = await harness.ScanUntilNothingNewAsync(mailboxId);

        Assert.Equal(Count, stopped.Stored + resumed.Sum(r => r.Stored));
        Assert.Equal(Count, stopped.TicketsCreated + resumed.Sum(r => r.TicketsCreated));
        await harness.AssertExactlyOnceAsync(messages.Select(m => m.MessageId!).ToList());
    }

    [Fact]
    public async Task A_scanner_process_killed_with_sigkill_mid_import_and_started_again_stores_every_message_and_ticket_exactly_once()
    {
        var folder = "sigkill-" + Guid.NewGuid().ToString("N")[..8];
        var messages = FaultScanHarness.Messages(folder, Count);
        await FaultScanHarness.AppendManyAsync(dovecot, dovecot.Bob, folder, messages);
        await using var harness = await FaultScanHarness.StartAsync();
        await harness.AddMailboxAsync(dovecot.Host, dovecot.ImapPort, dovecot.Bob, folder);

        int atKill;
        await using (var child = ScanChildProcess.Start(harness.Database.Directory, batchSize: 50))
        {
            await FaultScanHarness.WaitUntilAsync(async () => child.HasExited || await harness.EmailCountAsync() >= Count / 4, TimeSpan.FromSeconds(240), "the child stored a quarter");
            Assert.False(child.HasExited, "The child ended before it could be killed:\n" + child.Output);
            await child.KillAsync();
            atKill = await harness.EmailCountAsync();
        }

        Assert.InRange(atKill, Count / 4, Count - 1);

        await using (var again = ScanChildProcess.Start(harness.Database.Directory, batchSize: 50))
        {
            var exit = await again.WaitForExitAsync(TimeSpan.FromSeconds(300));
            Assert.True(exit == 0, $"The restarted child exited {exit}:\n{again.Output}");
        }

        await harness.AssertExactlyOnceAsync(messages.Select(m => m.MessageId!).ToList());
    }
    [Fact]
    public async Task A_host_stopping_right_after_a_ticket_was_committed_and_before_it_was_linked_does_not_create_the_ticket_twice()
    {
        // The narrowest window of the kill test above, hit on purpose: the shutdown arrives the moment the new ticket's
        // transaction has committed, before the e-mail is linked to it.
        var folder = "window-" + Guid.NewGuid().ToString("N")[..8];
        var messages = FaultScanHarness.Messages(folder, 3);
        await FaultScanHarness.AppendManyAsync(dovecot, dovecot.Bob, folder, messages);
        using var host = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var onTicketCommit = new CancelOnTicketCommit(host);
        await using var harness = await FaultScanHarness.StartAsync(services: s => s.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(onTicketCommit)));
        var mailboxId = await harness.AddMailboxAsync(dovecot.Host, dovecot.ImapPort, dovecot.Bob, folder);
        onTicketCommit.Armed = true;

        var stopped = await harness.ScanAsync(mailboxId, host.Token);
        await harness.StopAppAsync();

        Assert.True(onTicketCommit.Fired, "The shutdown never came at a ticket commit.");
        Assert.Equal(ScanRunStatus.Stopped, stopped.Status);
        await harness.StartAppAsync();
        await harness.ScanUntilNothingNewAsync(mailboxId);
        await harness.AssertExactlyOnceAsync(messages.Select(m => m.MessageId!).ToList());
    }

    /// <summary>Cancels the host once, right after the first transaction that inserted a ticket has committed.</summary>
    private sealed class CancelOnTicketCommit(CancellationTokenSource host) : DbTransactionInterceptor
    {
        // The scanner inserts tickets through statements prepared on the connection, which no command interceptor sees, so
        // each transaction is asked just before it commits whether a ticket exists. No ticket exists before the scan and a
        // transaction's own uncommitted insert is visible only to it: the first transaction that sees one inserted it.
        private DbTransaction? _inserted;

        public bool Fired { get; private set; }

        /// <summary>Set once the database is set up (the migrations' own transactions commit before there is a Tickets table).</summary>
        public volatile bool Armed;

        public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (Armed && Volatile.Read(ref _inserted) is null)
            {
                await using var command = transaction.Connection!.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = """SELECT COUNT(*) FROM "Tickets" """;
                if (Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
                {
                    Interlocked.CompareExchange(ref _inserted, transaction, null);
                }
            }

            return result;
        }

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (!Fired && ReferenceEquals(transaction, Volatile.Read(ref _inserted)))
            {
                Fired = true;
                host.Cancel();
            }

            return Task.CompletedTask;
        }
    }
}
