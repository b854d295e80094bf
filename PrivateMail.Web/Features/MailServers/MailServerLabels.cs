using PrivateMail.Domain.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MailServers;

/// <summary>Display names of the mail server choices, in the user's language.</summary>
public static class MailServerLabels
{
    public static string Security(MailSecurity security) => security switch
    {
        MailSecurity.SslTls => MailServerStrings.SecuritySslTls,
        MailSecurity.StartTls => MailServerStrings.SecurityStartTls,
        _ => MailServerStrings.SecurityNone,
    };

    public static string Provider(OAuthProvider? provider) => provider switch
    {
        OAuthProvider.Google => MailServerStrings.ProviderGoogle,
        OAuthProvider.Microsoft => MailServerStrings.ProviderMicrosoft,
        OAuthProvider.Generic => MailServerStrings.ProviderGeneric,
        _ => "",
    };
}
