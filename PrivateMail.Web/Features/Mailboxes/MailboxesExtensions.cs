namespace PrivateMail.Web.Features.Mailboxes;

internal static class MailboxesExtensions
{
    public static IServiceCollection AddMailboxes(this IServiceCollection services)
    {
        services.AddScoped<MailboxService>();
        return services;
    }
}
