namespace PrivateMail.Web.Mail;

internal static class MailExtensions
{
    /// <summary>The IMAP and SMTP layer: the only place that talks to MailKit.</summary>
    public static IServiceCollection AddMail(this IServiceCollection services)
    {
        services.AddOptions<ImapOptions>().BindConfiguration(ImapOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ImapConnector>();
        services.AddSingleton<IMailClient, ImapMailClient>();
        services.AddSingleton<IMailSender, SmtpMailSender>();
        services.AddSingleton<IMailSource, ImapMailSource>();
        return services;
    }
}
