using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PrivateMail.Web.Data;

/// <summary>
/// Per-connection settings: in WAL mode <c>synchronous=NORMAL</c> syncs at checkpoints instead of at every commit —
/// a killed process loses nothing committed (only a power cut can lose the last commits), and the scanner's commits
/// stop waiting for the disk. <c>temp_store=MEMORY</c> keeps SQLite's temporary files in memory, above all the
/// sub-journals of savepoints (the scanner's one per message): on files, each page a message changed was first copied
/// into a temp file under /var/tmp — 621 MB written and 111 files created for a 116 MB database in a 10,000-message
/// scan, more than the WAL and the database together. They hold a transaction's original pages until it ends; nothing
/// about durability changes (the WAL does that).
/// </summary>
public sealed class SqlitePragmas : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Gives SQLite's query planner table statistics. Without them it guesses, and for the scanner's per-batch contact
    /// lookup it chose the (owner, last name) index — one owner's every contact read per batch, 10× the bind cost at
    /// 100,000 contacts — over the two e-mail indexes. Exact statistics: with <c>analysis_limit</c> the sample made one
    /// owner look like 401 rows and kept the bad plan. At start-up every table (0.1 s for 100,000 contacts); before each
    /// scan <c>PRAGMA optimize</c>, which re-analyses only tables that changed a lot.
    /// </summary>
    public const string FullStatistics = "ANALYZE;";

    /// <inheritdoc cref="FullStatistics"/>
    public const string ChangedStatistics = "PRAGMA optimize=0x10002;";

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite)
        {
            using var command = sqlite.CreateCommand();
            // The default checkpoint size again: a pooled connection may come back from a writer that switched it off
            // (WalCheckpointer).
            command.CommandText = "PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=1000;";
            command.ExecuteNonQuery();
        }
    }
}
