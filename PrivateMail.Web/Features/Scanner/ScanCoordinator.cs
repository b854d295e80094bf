using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.LiveUpdates;
using PrivateMail.Web.Features.Nodes;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// Runs scans, never two of one mailbox at once — on this node or any other on the same database (schedule, push and
/// Scan now share this gate) —, lets a running scan be stopped,
/// and tells open pages how scans progress. A singleton: a page subscribes to the mailbox it shows (an overview to all),
/// disposes the subscription when it closes, and marshals with InvokeAsync. Progress also crosses to the app's other
/// nodes through the <see cref="ILiveBackplane"/> (counters only, a running scan's at most every
/// <see cref="RemoteProgressInterval"/>, its end always), so a page on one node follows a scan another node runs.
/// </summary>
public sealed class ScanCoordinator(
    IServiceScopeFactory scopes,
    ClusterLocks locks,
    IDbContextFactory<AppDbContext> dbFactory,
    NodeIdentity node,
    ILiveBackplane backplane,
    TimeProvider time,
    ILogger<ScanCoordinator> logger)
{
    /// <summary>The backplane topic of scan progress.</summary>
    public const string ProgressTopic = "scan-progress";

    /// <summary>The backplane topic of Stop pressed on a node that is not running the scan.</summary>
    public const string StopTopic = "scan-stop";

    /// <summary>How often a running scan's progress is sent to the other nodes at most: NOTIFY is not flooded per batch.</summary>
    public static readonly TimeSpan RemoteProgressInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>A scan on another node silent this long (the node died) no longer shows as running here.</summary>
    public static readonly TimeSpan RemoteStaleAfter = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<int, Running> _running = new();
    private readonly LiveSubscriptions<int, ScanProgress> _progress = new(logger);
    private readonly ConcurrentDictionary<int, DateTimeOffset> _lastSent = new();
    private readonly ConcurrentDictionary<int, (ScanProgress Progress, DateTimeOffset At)> _remote = new();
    private readonly Lock _attachGate = new();
    private bool _attached;

    private sealed class Running(CancellationTokenSource stop, string? startedById)
    {
        public CancellationTokenSource Stop { get; } = stop;

        public string? StartedById { get; } = startedById;

        public ScanProgress? Latest { get; set; }
    }

    /// <summary>
    /// Hears, on the scanning thread (or the backplane's, for a scan on another node), whenever a scan of the mailbox
    /// starts, finishes a batch or ends.
    /// </summary>
    public IDisposable Subscribe(int mailboxId, Action<ScanProgress> handler)
    {
        AttachBackplane();
        return _progress.Subscribe(mailboxId, handler);
    }

    /// <summary>Hears the progress of every mailbox's scans.</summary>
    public IDisposable SubscribeAll(Action<ScanProgress> handler)
    {
        AttachBackplane();
        return _progress.SubscribeAll(handler);
    }

    /// <summary>Open subscriptions: pages listening now.</summary>
    public int SubscriberCount => _progress.Count;

    /// <summary>Open subscriptions that hear the mailbox's progress (those to all included).</summary>
    public int SubscriberCountFor(int mailboxId) => _progress.CountFor(mailboxId);

    /// <summary>Tells the mailbox's listeners, on this node and the others, how its scan stands.</summary>
    internal void Report(ScanProgress progress)
    {
        AttachBackplane();
        _progress.Publish(progress.MailboxId, progress);
        var now = time.GetUtcNow();
        if (progress.Status == ScanRunStatus.Running)
        {
            if (_lastSent.TryGetValue(progress.MailboxId, out var last) && now - last < RemoteProgressInterval)
            {
                return;
            }

            _lastSent[progress.MailboxId] = now;
        }
        else
        {
            _lastSent.TryRemove(progress.MailboxId, out _);
        }

        // The first error is a short note, but bounded all the same: the message must stay far below NOTIFY's limit.
        backplane.Publish(ProgressTopic, progress.FirstError is { Length: > 500 } error ? progress with { FirstError = error[..500] } : progress);
    }

    /// <summary>Whether this node is scanning the mailbox (the gate of its scans).</summary>
    public bool IsRunning(int mailboxId) => _running.ContainsKey(mailboxId);

    /// <summary>The latest counters of a running scan, on this node or, as last heard, on another; or null.</summary>
    public ScanProgress? Current(int mailboxId)
    {
        if (_running.TryGetValue(mailboxId, out var r))
        {
            return r.Latest;
        }

        return _remote.TryGetValue(mailboxId, out var remote) && time.GetUtcNow() - remote.At < RemoteStaleAfter ? remote.Progress : null;
    }

    /// <summary>Listens to the other nodes' scans once something here cares: a page, or a scan of this node's own.</summary>
    private void AttachBackplane()
    {
        // Called on every progress report: the lock only until attached.
        if (Volatile.Read(ref _attached))
        {
            return;
        }

        lock (_attachGate)
        {
            if (_attached)
            {
                return;
            }

            _attached = true;
        }

        backplane.Subscribe<ScanProgress>(ProgressTopic, OnRemoteProgress);
        backplane.Subscribe<int>(StopTopic, mailboxId => Stop(mailboxId, tellOtherNodes: false));
        backplane.SubscribeResync(() => _ = Task.Run(ResyncAsync));
    }

    private void OnRemoteProgress(ScanProgress progress)
    {
        if (progress.Status == ScanRunStatus.Running)
        {
            _remote[progress.MailboxId] = (progress, time.GetUtcNow());
        }
        else
        {
            _remote.TryRemove(progress.MailboxId, out _);
        }

        _progress.Publish(progress.MailboxId, progress);
    }

    /// <summary>
    /// Messages may have been missed: a scan heard running on another node may have ended meanwhile. Its run row says;
    /// an ended one is announced here from the database, as its end would have been.
    /// </summary>
    private async Task ResyncAsync()
    {
        try
        {
            var runIds = _remote.Values.Select(r => r.Progress.RunId).ToList();
            if (runIds.Count == 0)
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>();
            await using var db = await factory.CreateDbContextAsync();
            var ended = await db.ScanRuns.AsNoTracking().Where(r => runIds.Contains(r.Id) && r.Status != ScanRunStatus.Running).ToListAsync();
            foreach (var run in ended)
            {
                OnRemoteProgress(new ScanProgress(run.MailboxId, run.Id, run.Status, run.Fetched, run.Stored, run.Bound, run.TicketsOpened, run.TicketsCreated, run.Skipped, run.Failed, run.FirstError)
                {
                    Duplicates = run.Duplicates,
                    NotStored = run.NotStored,
                });
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Reading the scans of other nodes again after a backplane reconnect failed.");
        }
    }

    /// <summary>
    /// Scans the mailbox unless a scan of it is already running (on this node or, with PostgreSQL, on any other); then
    /// returns null at once (the running scan stands).
    /// </summary>
    public async Task<ScanProgress?> RunAsync(int mailboxId, string? startedById, CancellationToken cancellationToken)
    {
        var (gate, refusal) = await EnterAsync(mailboxId, startedById, cancellationToken);
        if (gate is null)
        {
            logger.LogInformation("Mailbox {MailboxId} is being scanned already ({Where}); this request is dropped.", mailboxId, refusal);
            return null;
        }

        return await ScanAsync(gate, startedById);
    }

    private async Task<ScanProgress?> ScanAsync(Gate gate, string? startedById)
    {
        ScanProgress? final = null;
        var mailboxId = gate.MailboxId;
        try
        {
            await using (gate)
            {
                await using var scope = scopes.CreateAsyncScope();
                var scanner = scope.ServiceProvider.GetRequiredService<MailboxScanner>();
                var running = gate.Running;
                var result = await scanner.ScanAsync(mailboxId, startedById, p =>
                {
                    running.Latest = p;
                    if (p.Status == ScanRunStatus.Running)
                    {
                        Report(p);
                    }
                    else
                    {
                        final = p;
                    }
                }, running.Stop.Token);
                if (result is { RunId: > 0 })
                {
                    // Which node ran it: history shows it, and the several-nodes tests prove the work was shared.
                    await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
                    await db.ScanRuns.Where(r => r.Id == result.RunId)
                        .ExecuteUpdateAsync(s => s.SetProperty(r => r.NodeId, node.NodeId), CancellationToken.None);
                }

                return result;
            }
        }
        finally
        {
            // The end is announced once the mailbox is free, so a page reacting to it can offer Scan now again.
            if (final is not null)
            {
                Report(final);
            }
        }
    }

    /// <summary>
    /// Runs other work on a mailbox's mail (reprocessing a failed message) behind the same gate as its scans, so the two
    /// never apply the same message at once. Ran is false, at once, while a scan or other such work holds the mailbox.
    /// </summary>
    public async Task<(bool Ran, T? Result)> TryExclusiveAsync<T>(int mailboxId, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var (gate, _) = await EnterAsync(mailboxId, null, cancellationToken);
        if (gate is null)
        {
            return (false, default);
        }

        await using (gate)
        {
            return (true, await work(gate.Running.Stop.Token));
        }
    }

    /// <summary>
    /// The per-mailbox gate: this node's own table first (cheap, and what pages ask), then the lock every node shares
    /// (<see cref="ClusterLocks"/>). Holding it, a scan run still marked Running is nobody's any more: a node that died
    /// left it, and it is closed as Interrupted here (with one node that happens once at start-up instead).
    /// </summary>
    private async Task<(Gate? Gate, ScanRefusal Refusal)> EnterAsync(int mailboxId, string? startedById, CancellationToken cancellationToken)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new Running(stop, startedById);
        if (!_running.TryAdd(mailboxId, running))
        {
            stop.Dispose();
            return (null, ScanRefusal.RunningOnThisNode);
        }

        IAsyncDisposable? clusterLock = null;
        try
        {
            clusterLock = await locks.TryAcquireAsync(ClusterLockKey.Scan(mailboxId), cancellationToken);
            if (clusterLock is null)
            {
                Leave(mailboxId, running);
                return (null, ScanRefusal.RunningOnAnotherNode);
            }

            if (locks.SharedAcrossNodes)
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                await ScanHistoryRetention.CloseInterruptedAsync(db, time.GetUtcNow(), mailboxId, cancellationToken);
            }

            return (new Gate(this, mailboxId, running, clusterLock), ScanRefusal.None);
        }
        catch
        {
            if (clusterLock is not null)
            {
                await clusterLock.DisposeAsync();
            }

            Leave(mailboxId, running);
            throw;
        }
    }

    private void Leave(int mailboxId, Running running)
    {
        _running.TryRemove(new KeyValuePair<int, Running>(mailboxId, running));
        running.Stop.Dispose();
    }

    /// <summary>A held mailbox: disposing frees it on this node and across nodes.</summary>
    private sealed class Gate(ScanCoordinator owner, int mailboxId, Running running, IAsyncDisposable clusterLock) : IAsyncDisposable
    {
        public int MailboxId { get; } = mailboxId;

        public Running Running { get; } = running;

        public async ValueTask DisposeAsync()
        {
            try
            {
                await clusterLock.DisposeAsync();
            }
            finally
            {
                owner.Leave(MailboxId, Running);
            }
        }
    }

    /// <summary>
    /// Starts a scan in the background (Scan now) once the mailbox's gate is held, so the answer is known before the
    /// user is told: started, or refused because a scan runs here or on another node.
    /// </summary>
    public async Task<ScanRefusal> TryStartAsync(int mailboxId, string? startedById, CancellationToken cancellationToken = default)
    {
        if (IsRunning(mailboxId))
        {
            return ScanRefusal.RunningOnThisNode;
        }

        // The scan outlives the click's request: the gate is entered without its cancellation.
        var (gate, refusal) = await EnterAsync(mailboxId, startedById, CancellationToken.None);
        if (gate is null)
        {
            return refusal;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await ScanAsync(gate, startedById);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Scan of mailbox {MailboxId} failed.", mailboxId);
            }
        }, CancellationToken.None);
        return ScanRefusal.None;
    }

    /// <summary>
    /// Stops a scan the schedule or push started (the node gave the mailbox up to another); a scan someone started by
    /// hand runs on.
    /// </summary>
    internal bool StopAutomatic(int mailboxId)
    {
        if (!_running.TryGetValue(mailboxId, out var running) || running.StartedById is not null)
        {
            return false;
        }

        running.Stop.Cancel();
        return true;
    }

    /// <summary>
    /// Asks a running scan to stop after the message it is on — here, or on the node heard running it. False when none
    /// is running.
    /// </summary>
    public bool Stop(int mailboxId) => Stop(mailboxId, tellOtherNodes: true);

    private bool Stop(int mailboxId, bool tellOtherNodes)
    {
        if (!_running.TryGetValue(mailboxId, out var running))
        {
            if (tellOtherNodes && Current(mailboxId) is not null)
            {
                backplane.Publish(StopTopic, mailboxId);
                return true;
            }

            return false;
        }

        running.Stop.Cancel();
        return true;
    }
}

/// <summary>Why a mailbox's gate was not given: a scan (or reprocessing) of it holds it here or on another app node.</summary>
public enum ScanRefusal
{
    None,
    RunningOnThisNode,
    RunningOnAnotherNode,
}
