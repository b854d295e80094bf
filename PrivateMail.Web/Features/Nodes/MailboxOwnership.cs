using System.Collections.Frozen;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Web.Features.Nodes;

/// <summary>
/// Which mailboxes this node scans on schedule and IDLE-watches. Scan now and reprocessing need no ownership: they run
/// on the node that was asked, behind the per-mailbox <see cref="ClusterLocks"/> gate like every scan.
/// </summary>
public interface IMailboxOwnership
{
    /// <summary>Whether this node holds the mailbox now.</summary>
    bool Holds(int mailboxId);

    /// <summary>Brings the holdings up to date when the last renewal is older than its interval (a no-op on one node).</summary>
    Task RefreshIfStaleAsync(CancellationToken cancellationToken);
}

/// <summary>SQLite: one node, which holds every mailbox.</summary>
internal sealed class SingleNodeOwnership : IMailboxOwnership
{
    public bool Holds(int mailboxId) => true;

    public Task RefreshIfStaleAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// PostgreSQL: mailboxes are held by lease rows (<see cref="ScanLease"/>), taken and renewed with guarded statements
/// judged by the database's clock, so nodes whose clocks differ still agree on who holds what. Every renewal interval the
/// node writes its heartbeat (<see cref="AppNode"/>), counts the live nodes, renews its leases, releases those above its
/// fair share (ceil(mailboxes / live nodes)) — stopping their automatic scans, which the new holder continues from the
/// durable cursor — and takes free or expired ones up to the share. A node that dies stops renewing: its leases expire
/// after <see cref="NodeOptions.LeaseSeconds"/> and the others take them. It trusts its own leases only until a little
/// before they can have expired, so a node cut off from the database stops acting on them before anyone takes over.
/// </summary>
public sealed class LeaseKeeper(
    IDbContextFactory<AppDbContext> dbFactory,
    NodeIdentity identity,
    ScanCoordinator coordinator,
    IOptions<NodeOptions> options,
    TimeProvider time,
    ILogger<LeaseKeeper> logger) : BackgroundService, IMailboxOwnership
{
    private readonly SemaphoreSlim _tick = new(1, 1);
    private volatile Holdings _holdings = new(FrozenSet<int>.Empty, long.MinValue, long.MinValue, 0);

    /// <summary>What this node holds, and until when (the <see cref="TimeProvider"/> timestamp) it may trust that.</summary>
    private sealed record Holdings(FrozenSet<int> Mailboxes, long RenewedAt, long TrustedUntil, int LiveNodes);

    /// <summary>The mailboxes held now (for tests and the log).</summary>
    public IReadOnlyCollection<int> Held => IsTrusted(_holdings) ? _holdings.Mailboxes : [];

    /// <summary>The live nodes counted at the last renewal.</summary>
    public int LiveNodes => _holdings.LiveNodes;

    public string NodeId => identity.NodeId;

    public bool Holds(int mailboxId)
    {
        var holdings = _holdings;
        return IsTrusted(holdings) && holdings.Mailboxes.Contains(mailboxId);
    }

    public async Task RefreshIfStaleAsync(CancellationToken cancellationToken)
    {
        var renewedAt = _holdings.RenewedAt;
        if (renewedAt == long.MinValue || time.GetElapsedTime(renewedAt) >= options.Value.RenewInterval)
        {
            await RenewAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.RenewInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RenewAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Node {NodeId}: renewing its mailbox leases failed; it keeps them until they may have expired.", identity.NodeId);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>On a clean stop the leases and the heartbeat go at once, so the other nodes take over without waiting.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await _tick.WaitAsync(cancellationToken);
            _holdings = new(FrozenSet<int>.Empty, long.MinValue, long.MinValue, 0);
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.ScanLeases.Where(l => l.NodeId == identity.NodeId).ExecuteDeleteAsync(cancellationToken);
            await db.AppNodes.Where(n => n.NodeId == identity.NodeId).ExecuteDeleteAsync(cancellationToken);
            logger.LogInformation("Node {NodeId} released its mailbox leases.", identity.NodeId);
        }
        catch (Exception ex) when (ex is DbException or OperationCanceledException or InvalidOperationException)
        {
            logger.LogWarning(ex, "Node {NodeId}: releasing its leases at shutdown failed; they expire on their own.", identity.NodeId);
        }
    }

    /// <summary>One round: heartbeat, live nodes, renew, release above the fair share, take up to it.</summary>
    internal async Task RenewAsync(CancellationToken cancellationToken)
    {
        await _tick.WaitAsync(cancellationToken);
        try
        {
            var settings = options.Value;
            var started = time.GetTimestamp();
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var candidates = await CandidatesAsync(db, cancellationToken);
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await db.Database.OpenConnectionAsync(cancellationToken);

            await IdsAsync(connection, """
                INSERT INTO "AppNodes" ("NodeId", "Host", "StartedAt", "SeenAt") VALUES (@node, @host, clock_timestamp(), clock_timestamp())
                ON CONFLICT ("NodeId") DO UPDATE SET "SeenAt" = clock_timestamp();
                """, cancellationToken);
            await IdsAsync(connection, """
                DELETE FROM "AppNodes" WHERE "SeenAt" < clock_timestamp() - @forget;
                """, cancellationToken, ("forget", settings.Lease * 10));
            var live = await ScalarAsync<long>(connection, """
                SELECT count(*) FROM "AppNodes" WHERE "SeenAt" > clock_timestamp() - @lease;
                """, cancellationToken);
            var liveNodes = (int)Math.Max(1, live);

            // Renewed whatever their expiry: a lease still naming this node was taken by nobody in the meantime.
            var held = (await IdsAsync(connection, """
                UPDATE "ScanLeases" SET "ExpiresAt" = clock_timestamp() + @lease WHERE "NodeId" = @node RETURNING "MailboxId";
                """, cancellationToken)).ToHashSet();

            var share = candidates.Count == 0 ? 0 : (candidates.Count + liveNodes - 1) / liveNodes;
            var wanted = held.Where(candidates.Contains).Order().ToList();
            var release = held.Where(id => !candidates.Contains(id)).ToList();
            if (wanted.Count > share)
            {
                release.AddRange(wanted.GetRange(share, wanted.Count - share));
            }

            if (release.Count > 0)
            {
                await IdsAsync(connection, """
                    DELETE FROM "ScanLeases" WHERE "NodeId" = @node AND "MailboxId" = ANY(@ids) RETURNING "MailboxId";
                    """, cancellationToken, ("ids", release.ToArray()));
                held.ExceptWith(release);
            }

            if (held.Count < share)
            {
                var taken = (await IdsAsync(connection, """
                    SELECT "MailboxId" FROM "ScanLeases" WHERE "ExpiresAt" > clock_timestamp();
                    """, cancellationToken)).ToHashSet();
                var free = candidates.Where(id => !taken.Contains(id) && !held.Contains(id)).Take(share - held.Count).ToArray();
                if (free.Length > 0)
                {
                    // Guarded: a row another node holds unexpired is left alone; only those this statement won come back.
                    held.UnionWith(await IdsAsync(connection, """
                        INSERT INTO "ScanLeases" ("MailboxId", "NodeId", "ExpiresAt")
                        SELECT id, @node, clock_timestamp() + @lease FROM unnest(@ids) AS id
                        WHERE EXISTS (SELECT 1 FROM "Mailboxes" m WHERE m."Id" = id)
                        ON CONFLICT ("MailboxId") DO UPDATE SET "NodeId" = excluded."NodeId", "ExpiresAt" = excluded."ExpiresAt"
                        WHERE "ScanLeases"."ExpiresAt" <= clock_timestamp() OR "ScanLeases"."NodeId" = excluded."NodeId"
                        RETURNING "MailboxId";
                        """, cancellationToken, ("ids", free)));
                }
            }

            var previous = _holdings.Mailboxes;
            // Trusted for 90 % of the lease counted from before the renewal was sent: the database's expiry is later.
            _holdings = new(held.ToFrozenSet(), started, started + (long)(settings.Lease.TotalSeconds * 0.9 * time.TimestampFrequency), liveNodes);
            foreach (var gone in previous.Where(id => !held.Contains(id)))
            {
                // The next holder continues from the cursor; a scan someone started by hand runs on.
                coordinator.StopAutomatic(gone);
            }

            if (!previous.SetEquals(held))
            {
                logger.LogInformation("Node {NodeId} holds {Held} of {Mailboxes} mailboxes ({Live} live nodes, share {Share}).",
                    identity.NodeId, held.Count, candidates.Count, liveNodes, share);
            }
        }
        finally
        {
            _tick.Release();
        }
    }

    /// <summary>The mailboxes worth a lease: those the schedule may scan (credentials, an active owner, Active or Locked).</summary>
    private static async Task<HashSet<int>> CandidatesAsync(AppDbContext db, CancellationToken cancellationToken) =>
        (await db.Mailboxes.AsNoTracking()
            .Where(m => m.PasswordProtected != null || m.OAuthRefreshTokenProtected != null)
            .Where(m => db.Users.Any(u => u.Id == m.OwnerId && u.IsActive))
            .Where(m => m.Status == MailboxStatus.Active || m.Status == MailboxStatus.Locked)
            .Select(m => m.Id).ToListAsync(cancellationToken)).ToHashSet();

    private bool IsTrusted(Holdings holdings) => holdings.TrustedUntil != long.MinValue && time.GetTimestamp() < holdings.TrustedUntil;

    private NpgsqlCommand Command(NpgsqlConnection connection, string sql, (string Name, object Value)[] extra)
    {
        var command = new NpgsqlCommand(sql, connection);
        (string Name, object Value)[] common = [("node", identity.NodeId), ("host", Environment.MachineName), ("lease", options.Value.Lease)];
        foreach (var (name, value) in common.Concat(extra))
        {
            if (sql.Contains("@" + name, StringComparison.Ordinal))
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        return command;
    }

    private async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] extra)
    {
        await using var command = Command(connection, sql, extra);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<List<int>> IdsAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] extra)
    {
        await using var command = Command(connection, sql, extra);
        var ids = new List<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt32(0));
        }

        return ids;
    }
}
