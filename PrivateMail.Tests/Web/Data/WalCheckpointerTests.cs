using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;

namespace PrivateMail.Tests.Web.Data;

/// <summary>
/// The scanner's writer hands WAL checkpoints to a background connection: on a real SQLite file the WAL must stay
/// bounded anyway (the writer catches up once it is past the limit, and the next transaction starts the WAL again),
/// every committed row must be there, and a pooled connection the writer used must come back to other code with
/// SQLite's automatic checkpoints on.
/// </summary>
public sealed class WalCheckpointerTests : IAsyncLifetime
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
    public async Task A_long_writer_keeps_the_wal_bounded_and_loses_nothing_while_checkpoints_run_beside_it()
    {
        const int transactions = 40;
        const int rowsPerTransaction = 4;
        var payload = new string('p', 256 * 1024); // 1 MB per transaction: 40 MB through a WAL that starts again near 8 MB
        await using (var setup = await Factory.CreateDbContextAsync(Ct))
        {
            await setup.Database.ExecuteSqlRawAsync("CREATE TABLE \"Filler\" (\"Id\" INTEGER PRIMARY KEY, \"Text\" TEXT NOT NULL);", Ct);
        }

        var walPath = _database.FilePath + "-wal";
        long largestWal = 0;
        var sizes = new List<string>();
        var writerCheckpoints = 0;
        WalCheckpointer checkpointer;
        await using (var probe = await Factory.CreateDbContextAsync(Ct))
        {
            checkpointer = WalCheckpointer.For(probe, Factory, NullLogger.Instance)!;
        }

        await using (checkpointer)
        {
            for (var t = 0; t < transactions; t++)
            {
                await using var db = await Factory.CreateDbContextAsync(Ct);
                await checkpointer.BeforeTransactionAsync(db, Ct);
                await using var transaction = await db.Database.BeginTransactionAsync(Ct);
                for (var r = 0; r < rowsPerTransaction; r++)
                {
                    await db.Database.ExecuteSqlAsync($"INSERT INTO \"Filler\" (\"Text\") VALUES ({payload})", Ct);
                }

                await transaction.CommitAsync(Ct);
                checkpointer.Committed();
                largestWal = Math.Max(largestWal, new FileInfo(walPath).Length);
                sizes.Add($"{new FileInfo(walPath).Length / 1048576.0:F1}/{checkpointer.BackgroundCheckpoints}/{checkpointer.WriterCheckpoints}");
            }

            Assert.True(checkpointer.BackgroundCheckpoints > 0, "no checkpoint ran in the background");
            writerCheckpoints = checkpointer.WriterCheckpoints;
        }

        // Bounded: the WAL started again from its beginning (without the writer's catch-up it holds all 40 MB). Not a
        // tight bound — the background's reports lag by as many commits as a busy machine delays it.
        Assert.True(largestWal < transactions * rowsPerTransaction * payload.Length / 2, string.Join(" ", sizes));
        // The writer caught up now and then, not at every commit (which is what SQLite's own checkpoints would do).
        Assert.InRange(writerCheckpoints, 1, (transactions / WalCheckpointer.CatchUpCommits) + 1);

        await using var check = await Factory.CreateDbContextAsync(Ct);
        var rows = await check.Database.SqlQueryRaw<long>("SELECT COUNT(*) AS \"Value\" FROM \"Filler\" WHERE length(\"Text\") = 262144").SingleAsync(Ct);
        Assert.Equal(transactions * rowsPerTransaction, rows);
        // Every pooled connection — the writer's among them — comes back to other code with automatic checkpoints on.
        var contexts = new List<AppDbContext>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var db = await Factory.CreateDbContextAsync(Ct);
                contexts.Add(db);
                await db.Database.OpenConnectionAsync(Ct);
                Assert.Equal(1000L, await SqlitePragmasTests.PragmaAsync(db, "wal_autocheckpoint"));
            }
        }
        finally
        {
            foreach (var db in contexts)
            {
                await db.DisposeAsync();
            }
        }
    }
}
