using Microsoft.Extensions.Options;
using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Web.Features.Nodes;

public static class NodesExtensions
{
    /// <summary>
    /// The one place that picks how nodes share work: with SQLite one node holds every mailbox and locks live in this
    /// process; with PostgreSQL mailboxes are leased (<see cref="LeaseKeeper"/>) and locks are advisory locks.
    /// </summary>
    public static IServiceCollection AddNodes(this IServiceCollection services, DatabaseProvider database)
    {
        services.AddOptions<NodeOptions>().BindConfiguration(NodeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();
        services.AddSingleton<NodeIdentity>();
        if (database == DatabaseProvider.PostgreSql)
        {
            services.AddSingleton<ClusterLocks, PostgreSqlClusterLocks>();
            services.AddSingleton<LeaseKeeper>();
            services.AddSingleton<IMailboxOwnership>(sp => sp.GetRequiredService<LeaseKeeper>());
            services.AddHostedService(sp => sp.GetRequiredService<LeaseKeeper>());
        }
        else
        {
            services.AddSingleton<ClusterLocks, InProcessClusterLocks>();
            services.AddSingleton<IMailboxOwnership, SingleNodeOwnership>();
        }

        return services;
    }
}
