using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;

namespace PrivateMail.Tests.Web.Data;

/// <summary>
/// Every SQLite connection the app opens gets its settings (<see cref="SqlitePragmas"/>): commits in WAL mode without a
/// sync each, temporary files — the sub-journals of the scanner's per-message savepoints — in memory (on files they were
/// more than half of a scan's writes), and SQLite's automatic checkpoints, also on a pooled connection a writer switched
/// them off on.
/// </summary>
public sealed class SqlitePragmasTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private AppServices? _app;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IDbContextFactory<AppDbContext> Factory => _app!.Services.GetRequiredService<IDbContextFactory<AppDbContext>>();

    public async ValueTask InitializeAsync() => _app = await AppServices.StartAsync(_database);

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _database.Dispose();
    }

    [Fact]
    public async Task Every_connection_syncs_at_checkpoints_keeps_temporary_files_in_memory_and_checkpoints_by_itself()
    {
        await using (var writer = await Factory.CreateDbContextAsync(Ct))
        {
            await writer.Database.OpenConnectionAsync(Ct);
            Assert.Equal(1L, await PragmaAsync(writer, "synchronous")); // NORMAL
            Assert.Equal(2L, await PragmaAsync(writer, "temp_store")); // MEMORY
            await writer.Database.ExecuteSqlRawAsync("PRAGMA temp_store=FILE; PRAGMA wal_autocheckpoint=0;", Ct);
        }

        // The pool hands the same connection back: opened again, it gets the settings again.
        await using var next = await Factory.CreateDbContextAsync(Ct);
        await next.Database.OpenConnectionAsync(Ct);
        Assert.Equal(2L, await PragmaAsync(next, "temp_store"));
        Assert.Equal(1000L, await PragmaAsync(next, "wal_autocheckpoint"));
    }

    /// <summary>A PRAGMA's value on the context's open connection.</summary>
    internal static async Task<long> PragmaAsync(AppDbContext db, string name)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = $"PRAGMA {name};";
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
