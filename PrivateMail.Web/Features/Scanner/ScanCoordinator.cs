using PrivateMail.Web.Data;
using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Features.LiveUpdates;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// Runs scans, never two of one mailbox at once (schedule and Scan now share this gate), lets a running scan be stopped,
/// and tells open pages how scans progress. A singleton: a page subscribes to the mailbox it shows (an overview to all),
/// disposes the subscription when it closes, and marshals with InvokeAsync. Progress also crosses to the app's other
/// nodes through the <see cref="ILiveBackplane"/> (counters only, a running scan's at most every
/// <see cref="RemoteProgressInterval"/>, its end always), so a page on one node follows a scan another node runs.
/// </summary>
public sealed class ScanCoordinator(IServiceScopeFactory scopes, ILogger<ScanCoordinator> logger, ILiveBackplane backplane, TimeProvider time)
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

    private sealed class Running(CancellationTokenSource stop)
    {
        public CancellationTokenSource Stop { get; } = stop;

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
    /// Scans the mailbox unless a scan of it is already running; then returns null at once (the running scan stands).
    /// </summary>
    public async Task<ScanProgress?> RunAsync(int mailboxId, string? startedById, CancellationToken cancellationToken)
    {
        ScanProgress? final = null;
        try
        {
            var (ran, result) = await ExclusiveAsync(mailboxId, async (running, token) =>
            {
                await using var scope = scopes.CreateAsyncScope();
                var scanner = scope.ServiceProvider.GetRequiredService<MailboxScanner>();
                return await scanner.ScanAsync(mailboxId, startedById, p =>
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
                }, token);
            }, cancellationToken);
            if (!ran)
            {
                logger.LogInformation("Mailbox {MailboxId} is being scanned already; this request is dropped.", mailboxId);
            }

            return result;
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
    public Task<(bool Ran, T? Result)> TryExclusiveAsync<T>(int mailboxId, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        ExclusiveAsync(mailboxId, (_, token) => work(token), cancellationToken);

    /// <summary>The per-mailbox gate: holds the mailbox while <paramref name="work"/> runs, which Stop can cancel.</summary>
    private async Task<(bool Ran, T? Result)> ExclusiveAsync<T>(int mailboxId, Func<Running, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new Running(stop);
        if (!_running.TryAdd(mailboxId, running))
        {
            return (false, default);
        }

        try
        {
            return (true, await work(running, stop.Token));
        }
        finally
        {
            _running.TryRemove(new KeyValuePair<int, Running>(mailboxId, running));
        }
    }

    /// <summary>Starts a scan in the background (Scan now); false when one is running already.</summary>
    public bool TryStart(int mailboxId, string? startedById)
    {
        if (IsRunning(mailboxId))
        {
            return false;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await RunAsync(mailboxId, startedById, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Scan of mailbox {MailboxId} failed.", mailboxId);
            }
        });
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
