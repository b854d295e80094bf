using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
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
            await SqlDialect.For(db.Database).PrepareAsync(db);
            await RecordsSeeder.SeedAsync(db);
            if (SqlDialect.For(db.Database).Provider == DatabaseProvider.Sqlite)
            {
                // One node: nothing can be scanning yet. With PostgreSQL another node may be, so each mailbox's stale runs
                // are closed by whoever next holds its scan gate (ScanCoordinator).
                await Features.Scanner.ScanHistoryRetention.CloseInterruptedAsync(db, scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow());
            }
        }

        // Attachment contents a scan wrote ahead and a crash kept it from adopting or deleting (young ones may belong to
        // another node's running scan when nodes share the data directory).
        scope.ServiceProvider.GetRequiredService<Features.Records.Emails.AttachmentStore>()
            .SweepIncoming(TimeSpan.FromHours(1), scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow());

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
