namespace PrivateMail.Web.Features.Mailboxes;

internal static class MailboxesExtensions
{
    public static IServiceCollection AddMailboxes(this IServiceCollection services)
    {
        return services;
    }
}
