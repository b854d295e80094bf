namespace PrivateMail.Web.Features.MySettings;

public enum SettingsTab
{
    MySettings,
    Mailbox,
}
