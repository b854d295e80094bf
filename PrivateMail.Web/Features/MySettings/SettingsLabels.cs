using System.Globalization;
using PrivateMail.Domain.Users;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MySettings;

/// <summary>How preference values read on screen.</summary>
public static class SettingsLabels
{
    public static string Language(string code) => code switch
    {
        UiLanguages.Polish => "Polski",
        UiLanguages.English => "English",
        _ => code,
    };

    public static string MailClient(MailClient client) => client == Domain.Users.MailClient.External ? Strings.MailClientExternal : Strings.MailClientInternal;

    public static string OpenMode(MailOpenMode mode) => mode == MailOpenMode.Page ? Strings.MailOpenModePage : Strings.MailOpenModeDialog;

    private static readonly DateTime Sample = new(2026, 12, 31);

    /// <summary>The format with an example, e.g. "dd.MM.yyyy (31.12.2026)".</summary>
    public static string DateFormatExample(string format) =>
        $"{format} ({Sample.ToString(format, CultureInfo.InvariantCulture)})";
}
