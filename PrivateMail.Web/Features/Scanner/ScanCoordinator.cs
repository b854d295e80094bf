using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;
using System.Collections.Concurrent;
using PrivateMail.Web.Features.LiveUpdates;
using PrivateMail.Web.Features.Nodes;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// Runs scans, never two of one mailbox at once — on this node or any other on the same database (schedule, push and
/// Scan now share this gate) —, lets a running scan be stopped,
/// and tells open pages how scans progress. A singleton: a page subscribes to the mailbox it shows (an overview to all),
/// disposes the subscription when it closes, and marshals with InvokeAsync.
/// </summary>
public sealed class ScanCoordinator(
    IServiceScopeFactory scopes,
    ClusterLocks locks,
    IDbContextFactory<AppDbContext> dbFactory,
    NodeIdentity node,
    TimeProvider time,
    ILogger<ScanCoordinator> logger)
{
    private readonly ConcurrentDictionary<int, Running> _running = new();
    private readonly LiveSubscriptions<int, ScanProgress> _progress = new(logger);

    private sealed class Running(CancellationTokenSource stop, string? startedById)
    {
        public CancellationTokenSource Stop { get; } = stop;

        public string? StartedById { get; } = startedById;

        public ScanProgress? Latest { get; set; }
    }

    /// <summary>Hears, on the scanning thread, whenever a scan of the mailbox starts, finishes a batch or ends.</summary>
    public IDisposable Subscribe(int mailboxId, Action<ScanProgress> handler) => _progress.Subscribe(mailboxId, handler);

    /// <summary>Hears the progress of every mailbox's scans.</summary>
    public IDisposable SubscribeAll(Action<ScanProgress> handler) => _progress.SubscribeAll(handler);

    /// <summary>Open subscriptions: pages listening now.</summary>
    public int SubscriberCount => _progress.Count;

    /// <summary>Open subscriptions that hear the mailbox's progress (those to all included).</summary>
    public int SubscriberCountFor(int mailboxId) => _progress.CountFor(mailboxId);

    /// <summary>Tells the mailbox's listeners how its scan stands.</summary>
    internal void Report(ScanProgress progress) => _progress.Publish(progress.MailboxId, progress);

    public bool IsRunning(int mailboxId) => _running.ContainsKey(mailboxId);

    /// <summary>The latest counters of a running scan, or null.</summary>
    public ScanProgress? Current(int mailboxId) => _running.TryGetValue(mailboxId, out var r) ? r.Latest : null;

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

    /// <summary>Asks a running scan to stop after the message it is on. False when none is running.</summary>
    public bool Stop(int mailboxId)
    {
        if (!_running.TryGetValue(mailboxId, out var running))
        {
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
