namespace PrivateMail.Web.Features.MailServers;

internal static class MailServersExtensions
{
    public static IServiceCollection AddMailServers(this IServiceCollection services)
    {
        services.AddScoped<MailServerService>();
        return services;
    }
}
