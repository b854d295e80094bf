using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// Push: one connection per Active mailbox waits on its inbox with IMAP IDLE (re-issued every
/// <see cref="ScannerOptions.IdleRefresh"/>) and starts a scan the moment the server reports new mail. The set of
/// watched mailboxes is compared with the database every <see cref="ScannerOptions.WatchReconcileInterval"/>: a
/// mailbox deactivated, its owner deactivated, its settings changed, or My mail switched off closes (or restarts) its
/// connection within that time. A broken connection is retried with exponential backoff and jitter; at most
/// <see cref="ScannerOptions.IdleConnectionsPerServer"/> connections per server. A server without IDLE is left to the
/// schedule, which stays the safety net for every mailbox. Only mailboxes this node holds are watched
/// (<see cref="Nodes.IMailboxOwnership"/>): with several nodes a mailbox given to another node is closed here within
/// that same interval.
/// </summary>
public sealed class MailboxWatcher(
    IDbContextFactory<AppDbContext> dbFactory,
    IMailSource source,
    Features.OAuth.MailboxCredentials credentials,
    ModuleService modules,
    ScanCoordinator coordinator,
    Nodes.IMailboxOwnership ownership,
    IOptions<ScannerOptions> options,
    ILogger<MailboxWatcher> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<int, Watch> _watches = new();
    private readonly ConcurrentDictionary<int, SemaphoreSlim> _perServer = new();

    private sealed record Target(int MailboxId, int ServerId, string Folder, string Fingerprint);

    private sealed class Watch(Target target, CancellationTokenSource stop)
    {
        public Target Target { get; } = target;
        public CancellationTokenSource Stop { get; } = stop;
        public Task? Running { get; set; }
    }

    /// <summary>Mailboxes being watched right now (for tests and the log).</summary>
    public IReadOnlyCollection<int> Watched => _watches.Keys.ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.ScheduleEnabled || !settings.Push)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Choosing the mailboxes to watch failed.");
            }

            try
            {
                await Task.Delay(settings.WatchReconcileInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        foreach (var watch in _watches.Values)
        {
            await watch.Stop.CancelAsync();
        }

        await Task.WhenAll(_watches.Values.Select(w => w.Running ?? Task.CompletedTask));
    }

    /// <summary>Starts watches for new or changed mailboxes and ends those no longer wanted.</summary>
    internal async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var wanted = modules.IsEnabled(CrmModule.MyMail) ? await WantedAsync(cancellationToken) : [];
        foreach (var (id, watch) in _watches)
        {
            if (!wanted.TryGetValue(id, out var target) || target != watch.Target)
            {
                _watches.TryRemove(id, out _);
                await watch.Stop.CancelAsync();
            }
        }

        foreach (var target in wanted.Values)
        {
            if (_watches.ContainsKey(target.MailboxId))
            {
                continue;
            }

            var watch = new Watch(target, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken));
            _watches[target.MailboxId] = watch;
            watch.Running = Task.Run(() => WatchAsync(watch), CancellationToken.None);
        }
    }

    private async Task<Dictionary<int, Target>> WantedAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Mailboxes.AsNoTracking()
            .Where(m => m.Status == MailboxStatus.Active && (m.PasswordProtected != null || m.OAuthRefreshTokenProtected != null))
            .Where(m => db.Users.Any(u => u.Id == m.OwnerId && u.IsActive))
            .Select(m => new
            {
                m.Id, m.MailServerId, m.Folders, m.UpdatedAt, m.Login, m.PasswordProtected,
                m.MailServer!.ImapHost, m.MailServer.ImapPort, m.MailServer.ImapSecurity, m.MailServer.ValidateCertificate,
            })
            .ToListAsync(cancellationToken);
        return rows
            // Only the mailboxes this node holds: with several nodes each keeps the IDLE connections of its own share.
            .Where(m => m.Folders.Count > 0 && ownership.Holds(m.Id))
            .Select(m => new Target(
                m.Id, m.MailServerId,
                // The inbox when it is scanned (new mail lands there), else the first scanned folder.
                m.Folders.FirstOrDefault(f => f.Equals("INBOX", StringComparison.OrdinalIgnoreCase)) ?? m.Folders[0],
                string.Join('|', m.UpdatedAt.UtcTicks, m.Login, m.PasswordProtected?.Length, m.ImapHost, m.ImapPort, m.ImapSecurity, m.ValidateCertificate, string.Join(',', m.Folders))))
            .ToDictionary(t => t.MailboxId);
    }

    private async Task WatchAsync(Watch watch)
    {
        var target = watch.Target;
        var token = watch.Stop.Token;
        var gate = _perServer.GetOrAdd(target.ServerId, _ => new SemaphoreSlim(options.Value.IdleConnectionsPerServer));
        if (!await gate.WaitAsync(TimeSpan.Zero, CancellationToken.None))
        {
            logger.LogInformation("Mailbox {MailboxId}: the server's connection cap is reached; it is scanned on schedule only.", target.MailboxId);
            return;
        }

        var failures = 0;
        try
        {
            while (!token.IsCancellationRequested)
            {
                try
                {
                    var pushed = await ListenAsync(target, token);
                    if (!pushed)
                    {
                        return;
                    }
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    failures++;
                    var delay = Backoff(failures);
                    logger.LogInformation(ex, "Mailbox {MailboxId}: the IDLE connection failed ({Failures} in a row); retrying in {Delay}.", target.MailboxId, failures, delay);
                    try
                    {
                        await Task.Delay(delay, token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    continue;
                }

                failures = 0;
            }
        }
        finally
        {
            gate.Release();
            _watches.TryRemove(new KeyValuePair<int, Watch>(target.MailboxId, watch));
        }
    }

    /// <summary>
    /// One connection's life: open, scan once (mail may have come while nobody listened), then IDLE and scan on each
    /// report. False when the server cannot push (the schedule covers it); throws when the connection breaks.
    /// </summary>
    private async Task<bool> ListenAsync(Target target, CancellationToken cancellationToken)
    {
        Mailbox mailbox;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            mailbox = await db.Mailboxes.AsNoTracking().Include(m => m.MailServer).SingleAsync(m => m.Id == target.MailboxId, cancellationToken);
        }

        var server = mailbox.MailServer!;
        var endpoint = new ImapEndpoint(server.ImapHost, server.ImapPort, server.ImapSecurity, server.ValidateCertificate);
        var (session, result) = await source.OpenAsync(endpoint, await credentials.GetAsync(mailbox, cancellationToken), cancellationToken);
        if (session is null)
        {
            // The scan that follows locks the mailbox with the reason; the watch ends with it.
            throw new MailConnectionException(result.Failure ?? ConnectionFailure.Network, result.Detail ?? "");
        }

        await using (session)
        {
            if (!session.CanWait)
            {
                logger.LogInformation("Mailbox {MailboxId}: the server does not offer IDLE; it is scanned on schedule.", target.MailboxId);
                return false;
            }

            await session.OpenFolderAsync(target.Folder, cancellationToken);
            await ScanAsync(target.MailboxId, cancellationToken);
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await session.WaitForNewMailAsync(options.Value.IdleRefresh, cancellationToken))
                {
                    await ScanAsync(target.MailboxId, cancellationToken);
                }
            }
        }

        return true;
    }

    /// <summary>Scans now; when a scan of the mailbox is under way, scans again right after it (the new mail may have come too late for it).</summary>
    private async Task ScanAsync(int mailboxId, CancellationToken cancellationToken)
    {
        while (await coordinator.RunAsync(mailboxId, null, cancellationToken) is null)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>1 s, 2 s, 4 s … up to 5 minutes, each with up to a quarter more at random, so many mailboxes on one failed server do not return in step.</summary>
    internal static TimeSpan Backoff(int failures)
    {
        var seconds = Math.Min(300, Math.Pow(2, Math.Min(failures - 1, 10)));
        return TimeSpan.FromSeconds(seconds * (1 + (Random.Shared.NextDouble() * 0.25)));
    }
}
