using PrivateMail.Web.Data;
using System.Collections.Concurrent;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// Runs scans, never two of one mailbox at once (schedule and Scan now share this gate), lets a running scan be stopped,
/// and tells open pages how scans progress. A singleton: pages subscribe to <see cref="Progress"/> and marshal with InvokeAsync.
/// </summary>
public sealed class ScanCoordinator(IServiceScopeFactory scopes, ILogger<ScanCoordinator> logger)
{
    private readonly ConcurrentDictionary<int, Running> _running = new();

    private sealed class Running(CancellationTokenSource stop)
    {
        public CancellationTokenSource Stop { get; } = stop;

        public ScanProgress? Latest { get; set; }
    }

    /// <summary>Raised on the scanning thread whenever a scan starts, finishes a batch or ends.</summary>
    public event Action<ScanProgress>? Progress;

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
                        Progress?.Invoke(p);
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
                Progress?.Invoke(final);
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
