using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Web.Features.LiveUpdates;

public static class LiveUpdatesExtensions
{
    /// <summary>
    /// The one place the backplane is chosen by the database engine: SQLite means one node, nothing crosses; PostgreSQL
    /// means nodes may share the database, so live updates go through its LISTEN/NOTIFY.
    /// </summary>
    public static IServiceCollection AddLiveUpdates(this IServiceCollection services, DatabaseProvider database, string connectionString)
    {
        if (database == DatabaseProvider.PostgreSql)
        {
            services.AddSingleton<ILiveBackplane>(sp => new PostgreSqlLiveBackplane(
                connectionString,
                LiveNode.NewId(sp.GetRequiredService<Nodes.NodeIdentity>().NodeId),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<PostgreSqlLiveBackplane>>()));
        }
        else
        {
            services.AddSingleton<ILiveBackplane>(InProcessLiveBackplane.Instance);
        }

        return services;
    }
}
