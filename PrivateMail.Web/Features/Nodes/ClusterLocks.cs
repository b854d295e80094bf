using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Nodes;

/// <summary>What a cluster lock guards: one mailbox's scans (and reprocessing), or the first-run set-up.</summary>
public readonly record struct ClusterLockKey(int Kind, int Id)
{
    private const int ScanKind = 1;
    private const int SetupKind = 2;

    public static ClusterLockKey Scan(int mailboxId) => new(ScanKind, mailboxId);

    public static ClusterLockKey Setup { get; } = new(SetupKind, 0);
}

/// <summary>
/// Mutual exclusion that holds across every app node on the database: on PostgreSQL a session advisory lock on a
/// connection kept for the holder (released when the holder disposes it, or by the server when the node dies and its
/// connection closes); with SQLite, which runs one node, a lock in this process.
/// </summary>
public abstract class ClusterLocks
{
    /// <summary>Whether other processes may hold these locks too (PostgreSQL).</summary>
    public abstract bool SharedAcrossNodes { get; }

    /// <summary>The lock, or null at once when someone (on any node) holds it.</summary>
    public abstract Task<IAsyncDisposable?> TryAcquireAsync(ClusterLockKey key, CancellationToken cancellationToken = default);

    /// <summary>The lock, waiting while someone holds it.</summary>
    public abstract Task<IAsyncDisposable> AcquireAsync(ClusterLockKey key, CancellationToken cancellationToken = default);
}

/// <summary>One node: a semaphore per key in this process.</summary>
internal sealed class InProcessClusterLocks : ClusterLocks
{
    private readonly ConcurrentDictionary<ClusterLockKey, SemaphoreSlim> _locks = new();

    public override bool SharedAcrossNodes => false;

    public override async Task<IAsyncDisposable?> TryAcquireAsync(ClusterLockKey key, CancellationToken cancellationToken = default)
    {
        var gate = _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        return await gate.WaitAsync(TimeSpan.Zero, cancellationToken) ? new Held(gate) : null;
    }

    public override async Task<IAsyncDisposable> AcquireAsync(ClusterLockKey key, CancellationToken cancellationToken = default)
    {
        var gate = _locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Held(gate);
    }

    private sealed class Held(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// PostgreSQL advisory locks (<c>pg_try_advisory_lock(namespace, id)</c>), each on a connection of its own for as long
/// as it is held: a node that dies (SIGKILL, lost network) loses its locks as soon as the server sees the connection go.
/// </summary>
internal sealed class PostgreSqlClusterLocks(IDbContextFactory<AppDbContext> dbFactory, ILogger<PostgreSqlClusterLocks> logger) : ClusterLocks
{
    /// <summary>The first key of every PrivateMail advisory lock ("PM" and the kind), so other users of the database are not hit.</summary>
    private const int Namespace = 0x504D_0000;

    private string? _connectionString;

    public override bool SharedAcrossNodes => true;

    public override async Task<IAsyncDisposable?> TryAcquireAsync(ClusterLockKey key, CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            await using var command = Command(connection, "SELECT pg_try_advisory_lock(@space, @id)", key);
            if (await command.ExecuteScalarAsync(cancellationToken) is true)
            {
                return new Held(connection, key, logger);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        await connection.DisposeAsync();
        return null;
    }

    public override async Task<IAsyncDisposable> AcquireAsync(ClusterLockKey key, CancellationToken cancellationToken = default)
    {
        var connection = await OpenAsync(cancellationToken);
        try
        {
            await using var command = Command(connection, "SELECT pg_advisory_lock(@space, @id)", key);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new Held(connection, key, logger);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_connectionString is null)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            _connectionString = db.Database.GetConnectionString();
        }

        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, ClusterLockKey key)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("space", Namespace | key.Kind);
        command.Parameters.AddWithValue("id", key.Id);
        return command;
    }

    private sealed class Held(NpgsqlConnection connection, ClusterLockKey key, ILogger logger) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            try
            {
                // Explicitly: a pooled connection would otherwise keep the lock when it goes back to the pool.
                await using var command = Command(connection, "SELECT pg_advisory_unlock(@space, @id)", key);
                await command.ExecuteScalarAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // The connection is gone, and the server released the lock with it.
                logger.LogInformation(ex, "Releasing cluster lock {Key} found its connection closed.", key);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }
    }
}
