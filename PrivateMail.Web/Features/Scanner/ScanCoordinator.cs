using PrivateMail.Web.Data;
using System.Collections.Concurrent;
using PrivateMail.Web.Features.LiveUpdates;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// Runs scans, never two of one mailbox at once (schedule and Scan now share this gate), lets a running scan be stopped,
/// and tells open pages how scans progress. A singleton: a page subscribes to the mailbox it shows (an overview to all),
/// disposes the subscription when it closes, and marshals with InvokeAsync.
/// </summary>
public sealed class ScanCoordinator(IServiceScopeFactory scopes, ILogger<ScanCoordinator> logger)
{
    private readonly ConcurrentDictionary<int, Running> _running = new();
    private readonly LiveSubscriptions<int, ScanProgress> _progress = new(logger);

    private sealed class Running(CancellationTokenSource stop)
    {
        public CancellationTokenSource Stop { get; } = stop;

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
