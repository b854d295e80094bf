using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// SQLite's query plans of raw statements on a freshly migrated file, for tests that prove a statement starts from an
/// index: every statement is explained with those of the given sample parameters it names bound.
/// </summary>
public sealed class QueryPlans : IAsyncDisposable
{
    private readonly TestDatabase _database;
    private readonly AppServices _app;
    private readonly AppDbContext _db;
    private readonly (string Name, object Value)[] _parameters;

    private QueryPlans(TestDatabase database, AppServices app, AppDbContext db, (string Name, object Value)[] parameters)
    {
        (_database, _app, _db, _parameters) = (database, app, db, parameters);
    }

    public static async Task<QueryPlans> OpenAsync(params (string Name, object Value)[] parameters)
    {
        var database = new TestDatabase();
        var app = await AppServices.StartAsync(database);
        var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        return new QueryPlans(database, app, db, parameters);
    }

    /// <summary>The <c>EXPLAIN QUERY PLAN</c> lines of <paramref name="sql"/>.</summary>
    public async Task<List<string>> ExplainAsync(string sql)
    {
        await using var command = _db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in _parameters)
        {
            if (sql.Contains(name, StringComparison.Ordinal))
            {
                command.AddWithValue(name, value);
            }
        }

        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            lines.Add(reader.GetString(3));
        }

        return lines;
    }

    /// <summary>No table is walked: the only scans are of the JSON list parameters (<c>json_each</c>).</summary>
    public static void AssertScansOnlyLists(params IEnumerable<string>[] plans) =>
        Assert.All(plans.SelectMany(p => p).Where(l => l.StartsWith("SCAN", StringComparison.Ordinal)),
            l => Assert.StartsWith("SCAN json_each", l, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _db.DisposeAsync();
        await _app.DisposeAsync();
        _database.Dispose();
    }
}
