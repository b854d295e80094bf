using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Hosting;

/// <summary>Brings a database up to date: migrations, roles, module defaults, ticket statuses. Safe to run on every start.</summary>
public static class DatabaseInitializer
{
    public static async Task InitializeAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<AppDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            await db.Database.MigrateAsync();
            // WAL lets the scanner write while pages read.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            await SqlitePragmas.RefreshStatisticsAsync(db.Database, full: true);
            await RecordsSeeder.SeedAsync(db);
            await Features.Scanner.ScanHistoryRetention.CloseInterruptedAsync(db, scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow());
        }

        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        await scope.ServiceProvider.GetRequiredService<ModuleService>().LoadAsync();
    }
}
