using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Tests.Web.Data;

/// <summary>
/// The provider switch: each engine's migrations match the model and apply from an empty database, each sees only its
/// own migrations, and the whole app runs on PostgreSQL with its Data Protection keys in the database.
/// </summary>
public sealed class DatabaseProviderTests
{
    private static AppDbContext Context(DatabaseProvider provider, string connectionString) =>
        new(new DbContextOptionsBuilder<AppDbContext>().Use(provider, connectionString).Options);

    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=model-check.db")]
    [InlineData(DatabaseProvider.PostgreSql, "Host=localhost;Database=model_check")]
    public void The_engines_migrations_match_the_model(DatabaseProvider provider, string connectionString)
    {
        // Fails when a model change lacks its migration for this engine: add it with scripts/add-migration.sh.
        using var db = Context(provider, connectionString);

        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} migrations lag the model: run scripts/add-migration.sh <Name> {provider.ToString().ToLowerInvariant()}.");
    }

    [Fact]
    public void Each_engine_sees_only_its_own_migrations()
    {
        using var sqlite = Context(DatabaseProvider.Sqlite, "Data Source=model-check.db");
        using var postgres = Context(DatabaseProvider.PostgreSql, "Host=localhost;Database=model_check");

        var sqliteMigrations = sqlite.Database.GetMigrations().ToList();
        var postgresMigrations = postgres.Database.GetMigrations().ToList();

        Assert.Contains(sqliteMigrations, m => m.EndsWith("_Initial", StringComparison.Ordinal));
        Assert.Contains(postgresMigrations, m => m.EndsWith("_InitialPostgreSql", StringComparison.Ordinal));
        Assert.Empty(sqliteMigrations.Intersect(postgresMigrations));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Migrations_apply_to_an_empty_database(DatabaseProvider provider)
    {
        var directory = Directory.CreateTempSubdirectory("privatemail-migrate-").FullName;
        var connectionString = provider == DatabaseProvider.PostgreSql
            ? PostgreSqlServer.Shared.CreateEmptyDatabase()
            : $"Data Source={Path.Combine(directory, "empty.db")};Pooling=false";
        try
        {
            await using var db = Context(provider, connectionString);
            Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync());

            await db.Database.MigrateAsync();

            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
            // The schema works: a row in and out, a moment kept to the tick.
            var moment = new DateTimeOffset(2026, 3, 4, 10, 15, 0, TimeSpan.FromHours(2)).AddTicks(7);
            db.ModuleSettings.Add(new ModuleSetting { Module = PrivateMail.Domain.Modules.CrmModule.Tickets, Enabled = true, ChangedAt = moment });
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            var stored = await db.ModuleSettings.SingleAsync();
            // PostgreSQL keeps microseconds; SQLite ticks. Either way the same instant, to the microsecond.
            Assert.Equal(moment.UtcDateTime.Ticks / 10, stored.ChangedAt.UtcTicks / 10);
        }
        finally
        {
            if (provider == DatabaseProvider.PostgreSql)
            {
                PostgreSqlServer.Shared.DropDatabase(connectionString);
            }

            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData(null, DatabaseProvider.Sqlite)]
    [InlineData("", DatabaseProvider.Sqlite)]
    [InlineData("sqlite", DatabaseProvider.Sqlite)]
    [InlineData("PostgreSql", DatabaseProvider.PostgreSql)]
    public void The_setting_picks_the_engine(string? value, DatabaseProvider expected) =>
        Assert.Equal(expected, DatabaseProviders.Parse(value));

    [Fact]
    public void An_unknown_engine_fails_naming_the_setting_and_the_choices()
    {
        var error = Assert.Throws<InvalidOperationException>(() => DatabaseProviders.Parse("MySql"));

        Assert.Contains("PrivateMail:Database:Provider", error.Message);
        Assert.Contains("PostgreSql", error.Message);
    }

    [Fact]
    public async Task The_app_on_postgresql_starts_at_first_run_serves_sign_in_and_keeps_its_keys_in_the_database()
    {
        var connectionString = PostgreSqlServer.Shared.CreateEmptyDatabase();
        try
        {
            await using var app = new PrivateMailAppFactory();
            app.Settings[DatabaseProviders.ProviderKey] = "PostgreSql";
            app.Settings["ConnectionStrings:PrivateMail"] = connectionString;
            using var client = app.CreateHttpClient();

            // A fresh install: migrated at start, every page leads to the set-up.
            using var home = await client.GetAsync("");
            Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
            Assert.Contains("setup", home.Headers.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
            using var setup = await client.GetAsync("setup");
            Assert.Equal(HttpStatusCode.OK, setup.StatusCode);

            await app.CreateUserAsync("admin", "Secret123!", administrator: true);
            using var signedIn = await app.CreateSignedInClientAsync("admin", "Secret123!");
            using var page = await signedIn.GetAsync("");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);

            // The key ring that signed the cookie is in PostgreSQL, where every node reads it; none in the data folder.
            await using var scope = app.Services.CreateAsyncScope();
            await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync());
            Assert.False(Directory.Exists(Path.Combine(app.DataDirectory, "keys")));
            Assert.True(db.Database.IsNpgsql());
        }
        finally
        {
            PostgreSqlServer.Shared.DropDatabase(connectionString);
        }
    }
}
