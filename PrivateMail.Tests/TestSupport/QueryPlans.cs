using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Tests.TestSupport;

/// <summary>SQLite's query plans of raw statements, for tests that prove a statement starts from an index.</summary>
public static class QueryPlans
{
    /// <summary>
    /// The <c>EXPLAIN QUERY PLAN</c> lines of <paramref name="sql"/> on the context's open connection, with those of
    /// <paramref name="parameters"/> the statement names bound.
    /// </summary>
    public static async Task<List<string>> ExplainAsync(AppDbContext db, string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
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
}
