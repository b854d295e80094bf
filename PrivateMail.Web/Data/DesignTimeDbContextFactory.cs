using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Web.Data;

/// <summary>
/// Lets <c>dotnet ef</c> build the model without starting the app, for either engine: <c>-- --provider PostgreSql</c>
/// after the command's own options picks PostgreSQL (scripts/add-migration.sh does both). Nothing connects.
/// </summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<AppDbContext>
{
    public AppDbContext CreateDbContext(string[] args)
    {
        var index = Array.FindIndex(args, a => a is "--provider" or "-p");
        var provider = DatabaseProviders.Parse(index >= 0 && index + 1 < args.Length ? args[index + 1] : null);
        var connectionString = provider == DatabaseProvider.PostgreSql
            ? "Host=localhost;Database=privatemail_design_time"
            : "Data Source=design-time.db";
        return new(new DbContextOptionsBuilder<AppDbContext>().Use(provider, connectionString).Options);
    }
}
