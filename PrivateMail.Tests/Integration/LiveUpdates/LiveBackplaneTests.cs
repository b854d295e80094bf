using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PrivateMail.Domain.Modules;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.LiveUpdates;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Scanner.Settings;

namespace PrivateMail.Tests.Integration.LiveUpdates;

/// <summary>
/// Two app nodes — each its own service container and node id — on one real PostgreSQL: what one publishes (record
/// changes, module switches, scanner settings, scan progress) reaches the other through LISTEN/NOTIFY; a node never
/// hears its own message twice; a killed listening connection comes back and its subscribers are told to reload.
/// </summary>
public sealed class LiveBackplaneTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new(DatabaseProvider.PostgreSql);
    private readonly List<AppServices> _nodes = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Ceiling on a message crossing under load; a passing run never waits for it.</summary>
    private static readonly TimeSpan Crossing = TimeSpan.FromSeconds(20);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _database.Dispose();
    }

    private async Task<AppServices> NodeAsync(TimeProvider? clock = null)
    {
        var node = await AppServices.StartAsync(_database, configure: clock is null ? null : s => s.AddSingleton(clock));
        _nodes.Add(node);
        // Listening before anything is published: NOTIFY reaches only sessions listening when it commits.
        await Backplane(node).WhenListeningAsync(Ct).WaitAsync(Crossing, Ct);
        return node;
    }

    private static PostgreSqlLiveBackplane Backplane(AppServices node) =>
        Assert.IsType<PostgreSqlLiveBackplane>(node.Services.GetRequiredService<ILiveBackplane>());

    private static T Get<T>(AppServices node)
        where T : notnull => node.Services.GetRequiredService<T>();

    [Fact]
    public async Task A_record_change_on_node_a_reaches_node_b_and_node_a_hears_it_once()
    {
        var a = await NodeAsync();
        var b = await NodeAsync();
        Assert.NotEqual(Backplane(a).NodeId, Backplane(b).NodeId);
        var heardOnA = new ConcurrentQueue<IReadOnlyList<RecordChange>>();
        var heardOnB = new TaskCompletionSource<IReadOnlyList<RecordChange>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onA = Get<RecordChangeNotifier>(a).Subscribe(RecordChangeKind.Contact, 42, heardOnA.Enqueue);
        using var onB = Get<RecordChangeNotifier>(b).Subscribe(RecordChangeKind.Contact, 42, c => heardOnB.TrySetResult(c));

        Get<RecordChangeNotifier>(a).Publish([new RecordChange(RecordChangeKind.Contact, "42")]);

        var received = await heardOnB.Task.WaitAsync(Crossing, Ct);
        Assert.Equal([new RecordChange(RecordChangeKind.Contact, "42")], received);
        // A marker back from B arrives on A after A's own echo (NOTIFY delivers in commit order): by then the echo was dropped.
        var marker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var markerOnA = Get<RecordChangeNotifier>(a).Subscribe(RecordChangeKind.Lead, _ => marker.TrySetResult());
        Get<RecordChangeNotifier>(b).Publish([new RecordChange(RecordChangeKind.Lead, "7")]);
        await marker.Task.WaitAsync(Crossing, Ct);
        Assert.Single(heardOnA);
        Assert.Equal(1, Backplane(a).Received);
    }

    [Fact]
    public async Task A_thousand_changes_cross_in_messages_under_the_notify_limit_and_all_arrive()
    {
        var a = await NodeAsync();
        var b = await NodeAsync();
        var ids = new ConcurrentDictionary<string, int>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onB = Get<RecordChangeNotifier>(b).Subscribe(RecordChangeKind.Email, changes =>
        {
            foreach (var change in changes)
            {
                ids.AddOrUpdate(change.Id, 1, (_, n) => n + 1);
            }

            if (ids.Count == 1000)
            {
                all.TrySetResult();
            }
        });

        Get<RecordChangeNotifier>(a).Publish([.. Enumerable.Range(100_000, 1000).Select(i => new RecordChange(RecordChangeKind.Email, i.ToString(System.Globalization.CultureInfo.InvariantCulture)))]);

        await all.Task.WaitAsync(Crossing, Ct);
        Assert.All(ids.Values, n => Assert.Equal(1, n));
        Assert.Equal((1000 + RecordChangeNotifier.ChangesPerMessage - 1) / RecordChangeNotifier.ChangesPerMessage, Backplane(b).Received);
    }

    [Fact]
    public async Task My_mail_switched_on_and_off_on_node_a_follows_on_node_b_and_its_pages_hear_it()
    {
        var a = await NodeAsync();
        var b = await NodeAsync();
        Assert.False(Get<ModuleService>(b).IsEnabled(CrmModule.MyMail));
        var heard = new ConcurrentQueue<CrmModule>();
        var switched = new SemaphoreSlim(0);
        using var page = Get<ModuleService>(b).Subscribe(m =>
        {
            heard.Enqueue(m);
            switched.Release();
        });

        await Get<ModuleService>(a).SetEnabledAsync(CrmModule.MyMail, true, "admin", Ct);
        Assert.True(await switched.WaitAsync(Crossing, Ct));
        Assert.True(Get<ModuleService>(b).IsEnabled(CrmModule.MyMail));

        await Get<ModuleService>(a).SetEnabledAsync(CrmModule.MyMail, false, "admin", Ct);
        Assert.True(await switched.WaitAsync(Crossing, Ct));
        Assert.False(Get<ModuleService>(b).IsEnabled(CrmModule.MyMail));
        Assert.Throws<ModuleDisabledException>(() => Get<ModuleService>(b).Demand(CrmModule.MyMail));
        Assert.Equal([CrmModule.MyMail, CrmModule.MyMail], heard);
    }

    [Fact]
    public async Task Scanner_settings_saved_on_node_a_apply_on_node_b_without_a_restart()
    {
        var a = await NodeAsync();
        var b = await NodeAsync();
        var onB = Get<ScannerSettingsService>(b);
        var before = await onB.GetAsync(Ct);
        Assert.NotEqual(37, before.BatchSize);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var probe = Backplane(b).Subscribe(ScannerSettingsService.Topic, _ => heard.TrySetResult());

        var onA = Get<ScannerSettingsService>(a);
        await using (var db = await Get<IDbContextFactory<AppDbContext>>(a).CreateDbContextAsync(Ct))
        {
            var row = new ScannerAdminSettings { UpdatedAt = DateTimeOffset.UtcNow };
            var defaults = onA.Defaults;
            (row.IntervalMinutes, row.BatchSize, row.BatchBytes, row.MaxMessagesPerRun, row.TimeBudget, row.MaxMessageBytes) =
                (defaults.IntervalMinutes, 37, defaults.BatchBytes, defaults.MaxMessagesPerRun, defaults.TimeBudget, defaults.MaxMessageBytes);
            (row.LockedRetryInterval, row.HistoryRetention, row.TicketCapPerSenderPerHour, row.AmbiguityPolicy) =
                (defaults.LockedRetryInterval, defaults.HistoryRetention, defaults.TicketCapPerSenderPerHour, defaults.AmbiguityPolicy);
            db.ScannerAdminSettings.Add(row);
            await db.SaveChangesAsync(Ct);
        }

        onA.Invalidate();

        // The service's own handler subscribed first, so it has forgotten its row by the time the probe hears.
        await heard.Task.WaitAsync(Crossing, Ct);
        Assert.Equal(37, (await onB.GetAsync(Ct)).BatchSize);
        Assert.True(await onB.IsCustomisedAsync(Ct));
    }

    [Fact]
    public async Task Scan_progress_on_node_a_is_followed_on_node_b_throttled_to_one_message_per_interval_and_its_end_always_crosses()
    {
        // A frozen clock on A: every progress report falls in the same interval, so exactly the first one crosses.
        var a = await NodeAsync(new ManualClock(DateTimeOffset.UtcNow));
        var b = await NodeAsync();
        const int mailboxId = 31;
        var heard = new ConcurrentQueue<ScanProgress>();
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var page = Get<ScanCoordinator>(b).Subscribe(mailboxId, p =>
        {
            heard.Enqueue(p);
            (p.Status == ScanRunStatus.Running ? started : ended).TrySetResult();
        });
        var coordinatorA = Get<ScanCoordinator>(a);

        for (var batch = 1; batch <= 50; batch++)
        {
            coordinatorA.Report(new ScanProgress(mailboxId, 5, ScanRunStatus.Running, batch * 10, batch * 10, 0, 0, 0, 0, 0, null));
        }

        await started.Task.WaitAsync(Crossing, Ct);
        // While it runs, node B shows the counters it heard (node B is not scanning it itself).
        Assert.Equal(10, Get<ScanCoordinator>(b).Current(mailboxId)?.Fetched);
        Assert.False(Get<ScanCoordinator>(b).IsRunning(mailboxId));

        coordinatorA.Report(new ScanProgress(mailboxId, 5, ScanRunStatus.Done, 500, 490, 3, 1, 2, 10, 0, null) { Duplicates = 0 });

        await ended.Task.WaitAsync(Crossing, Ct);
        Assert.Equal([(ScanRunStatus.Running, 10), (ScanRunStatus.Done, 500)], heard.Select(p => (p.Status, p.Fetched)));
        Assert.Equal((490, 3, 2), (heard.Last().Stored, heard.Last().Bound, heard.Last().TicketsCreated));
        Assert.Null(Get<ScanCoordinator>(b).Current(mailboxId));
    }

    [Fact]
    public async Task The_listening_connection_killed_reconnects_tells_subscribers_to_reload_and_delivers_again()
    {
        var a = await NodeAsync();
        var b = await NodeAsync();
        var backplaneB = Backplane(b);
        var reloads = new ConcurrentQueue<IReadOnlyList<RecordChange>>();
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivered = new TaskCompletionSource<IReadOnlyList<RecordChange>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var page = Get<RecordChangeNotifier>(b).Subscribe(RecordChangeKind.Ticket, changes =>
        {
            if (changes.Count == 0)
            {
                reloads.Enqueue(changes);
                reloaded.TrySetResult();
            }
            else
            {
                delivered.TrySetResult(changes);
            }
        });
        Assert.Equal(1, backplaneB.Connects);

        // The server ends node B's listening session, as a failover or an administrator would.
        await using (var connection = new NpgsqlConnection(_database.ConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var kill = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = @name", connection);
            kill.Parameters.AddWithValue("name", PostgreSqlLiveBackplane.ListenerName(backplaneB.NodeId));
            Assert.Equal(1L, await kill.ExecuteScalarAsync(Ct));
        }

        // Back: the open page was told it may have missed changes.
        await reloaded.Task.WaitAsync(Crossing, Ct);
        Assert.Equal(2, backplaneB.Connects);
        await backplaneB.WhenListeningAsync(Ct).WaitAsync(Crossing, Ct);

        Get<RecordChangeNotifier>(a).Publish([new RecordChange(RecordChangeKind.Ticket, "9")]);

        Assert.Equal([new RecordChange(RecordChangeKind.Ticket, "9")], await delivered.Task.WaitAsync(Crossing, Ct));
        Assert.Single(reloads);
    }

    [Fact]
    public async Task On_sqlite_nothing_crosses_and_the_notifiers_work_as_before()
    {
        using var sqlite = new TestDatabase();
        await using var node = await AppServices.StartAsync(sqlite);
        Assert.IsType<InProcessLiveBackplane>(node.Services.GetRequiredService<ILiveBackplane>());
        var heard = new List<IReadOnlyList<RecordChange>>();
        using var page = Get<RecordChangeNotifier>(node).Subscribe(RecordChangeKind.Contact, heard.Add);

        Get<RecordChangeNotifier>(node).Publish([new RecordChange(RecordChangeKind.Contact, "1")]);

        Assert.Single(heard);
    }

    [Theory]
    [InlineData(0, 100, 300)]
    [InlineData(3, 800, 2400)]
    [InlineData(20, 15_000, 45_000)]
    public void Reconnect_waits_grow_exponentially_to_a_ceiling_with_jitter(int failures, int atLeastMs, int atMostMs)
    {
        var waits = Enumerable.Range(0, 200).Select(_ => PostgreSqlLiveBackplane.Backoff(failures).TotalMilliseconds).ToList();

        Assert.All(waits, w => Assert.InRange(w, atLeastMs, atMostMs));
        Assert.True(waits.Distinct().Count() > 100, "jitter spreads the waits");
    }
}
