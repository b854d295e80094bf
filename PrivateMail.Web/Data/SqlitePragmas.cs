using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PrivateMail.Web.Data;

/// <summary>
/// Per-connection settings: in WAL mode <c>synchronous=NORMAL</c> syncs at checkpoints instead of at every commit —
/// a killed process loses nothing committed (only a power cut can lose the last commits), and the scanner's commits
/// stop waiting for the disk.
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
    /// Gives SQLite's query planner table statistics (approximate: at most 400 rows read per index, milliseconds even for
    /// gigabytes). Without them it guesses, and for the scanner's per-batch contact lookup it chose the
    /// (owner, last name) index — one owner's every contact read per batch, 10× the bind cost at 100,000 contacts —
    /// over the two e-mail indexes. <paramref name="full"/>: ANALYZE every table (start-up); otherwise
    /// <c>PRAGMA optimize</c>, which re-analyses only tables that changed a lot (before each scan). SQLite only.
    /// </summary>
    public static async Task RefreshStatisticsAsync(Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade database, bool full, CancellationToken cancellationToken = default)
    {
        if (database.ProviderName != "Microsoft.EntityFrameworkCore.Sqlite")
        {
            return;
        }

        await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(
            database, full ? "PRAGMA analysis_limit=400; ANALYZE;" : "PRAGMA analysis_limit=400; PRAGMA optimize=0x10002;", cancellationToken);
    }

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite)
        {
            using var command = sqlite.CreateCommand();
            command.CommandText = "PRAGMA synchronous=NORMAL;";
            command.ExecuteNonQuery();
        }
    }
}
