using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace PrivateMail.Web.Data;

/// <summary>
/// Takes SQLite's WAL checkpoints off a long writer's commits. By default the connection that commits past 1,000 WAL
/// pages copies them into the database file and syncs it inside its COMMIT — for the scanner, the pipeline's critical
/// path, that was most of its commit time on a disk. While a writer holds one of these, its connection does not
/// checkpoint (<c>wal_autocheckpoint=0</c>, reset to the default whenever a connection is opened, see
/// <see cref="SqlitePragmas"/>); after each commit a passive checkpoint runs on another connection and thread, beside
/// the next transaction. A passive checkpoint never blocks the writer, but cannot copy what is being written, so the
/// WAL could only grow: once the background reports it past <see cref="CatchUpPages"/>, or has not reported for
/// <see cref="CatchUpCommits"/> commits (a slow disk), the writer itself checkpoints the little the background has not
/// copied yet before its next transaction, and that transaction starts the WAL again from its beginning. Nothing about durability changes: a commit is in the WAL either way.
/// </summary>
public sealed class WalCheckpointer : IAsyncDisposable
{
    /// <summary>A WAL reported this many pages long (8 MB at 4 KB pages) is caught up by the writer before its next transaction.</summary>
    public const int CatchUpPages = 2048;

    /// <summary>
    /// The writer also catches up after this many commits without a report: a background checkpoint slowed down (a busy
    /// disk) must not let the WAL grow unseen.
    /// </summary>
    public const int CatchUpCommits = 4;

    private readonly IDbContextFactory<AppDbContext> _dbFactory;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _signal = new(0, 1);

    /// <summary>One checkpoint at a time: the writer's catch-up waits for a background one under way instead of being refused.</summary>
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _walPages;
    private int _commitsSinceReport;

    private WalCheckpointer(IDbContextFactory<AppDbContext> dbFactory, ILogger logger)
    {
        _dbFactory = dbFactory;
        _logger = logger;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Passive checkpoints run in the background so far (for tests and the log).</summary>
    public int BackgroundCheckpoints { get; private set; }

    /// <summary>Checkpoints the writer ran itself to let the WAL start again.</summary>
    public int WriterCheckpoints { get; private set; }

    /// <summary>A checkpointer for a writer on this database, or null when it is not SQLite (nothing to do).</summary>
    public static WalCheckpointer? For(AppDbContext db, IDbContextFactory<AppDbContext> dbFactory, ILogger logger) =>
        db.Database.GetDbConnection() is SqliteConnection ? new WalCheckpointer(dbFactory, logger) : null;

    /// <summary>
    /// Before the writer's next transaction, on its context (no transaction open): switches its connection's automatic
    /// checkpoints off and, when the WAL has grown past <see cref="CatchUpPages"/>, finishes the checkpoint itself.
    /// </summary>
    public async Task BeforeTransactionAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        if (_loop.IsCompleted)
        {
            // The background checkpoints stopped (an error, logged): the connection keeps SQLite's automatic ones.
            return;
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await using (var off = connection.CreateCommand())
        {
            off.CommandText = "PRAGMA wal_autocheckpoint=0;";
            await off.ExecuteNonQueryAsync(cancellationToken);
        }

        if (Volatile.Read(ref _walPages) >= CatchUpPages || Volatile.Read(ref _commitsSinceReport) >= CatchUpCommits)
        {
            var (log, copied) = await CheckpointAsync(connection, cancellationToken);
            Volatile.Write(ref _walPages, log > copied ? log : 0);
            Volatile.Write(ref _commitsSinceReport, 0);
            WriterCheckpoints++;
        }
    }

    /// <summary>After each commit: a passive checkpoint in the background (several commits in a row make one).</summary>
    public void Committed()
    {
        Interlocked.Increment(ref _commitsSinceReport);
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another commit signalled it a moment ago: one checkpoint covers both.
            }
        }
    }

    private async Task LoopAsync()
    {
        try
        {
            while (true)
            {
                await _signal.WaitAsync(_stop.Token);
                await using var db = await _dbFactory.CreateDbContextAsync(_stop.Token);
                await db.Database.OpenConnectionAsync(_stop.Token);
                var (log, _) = await CheckpointAsync(db.Database.GetDbConnection(), _stop.Token);
                Volatile.Write(ref _walPages, log);
                Volatile.Write(ref _commitsSinceReport, 0);
                BackgroundCheckpoints++;
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // The writer is done (a checkpoint under way may end as cancelled or interrupted).
        }
        catch (Exception ex)
        {
            // The writer's own catch-up still bounds the WAL; SQLite's automatic checkpoints resume with the next connection.
            _logger.LogWarning(ex, "Background WAL checkpoint failed.");
        }
    }

    /// <summary>Runs a passive checkpoint; returns the WAL's length and how much of it is now in the database, in pages.</summary>
    private async Task<(int Log, int Copied)> CheckpointAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? (reader.GetInt32(1), reader.GetInt32(2)) : (0, 0);
        }
        finally
        {
            _running.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
        _signal.Dispose();
        _running.Dispose();
    }
}
