using System.ComponentModel.DataAnnotations;
using PrivateMail.Domain.Users;
using PrivateMail.Web.Features.Localization;
using PrivateMail.Web.Features.Users;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MySettings;

/// <summary>What the user edits under My settings: the Account and Mail integration sections.</summary>
public sealed class MySettingsModel : PersonFields
{
    [RequiredField]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.Language))]
    public string Language { get; set; } = UiLanguages.English;

    [RequiredField]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.TimeZone))]
    public string TimeZone { get; set; } = "UTC";

    [RequiredField]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.DateFormat))]
    public string DateFormat { get; set; } = DateFormats.Default;

    public MailClient DefaultMailClient { get; set; } = MailClient.Internal;

    [MaxLengthField(4000)]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.Signature))]
    public string Signature { get; set; } = "";

    public MailOpenMode MailOpenMode { get; set; } = MailOpenMode.Dialog;

    public MySettingsModel Clone() => (MySettingsModel)MemberwiseClone();
}

/// <summary>The outcome of a save: field errors keyed by property name, or none.</summary>
public sealed record SaveResult(IReadOnlyDictionary<string, string> FieldErrors)
{
    public static SaveResult Success { get; } = new(new Dictionary<string, string>());

    public bool Succeeded => FieldErrors.Count == 0;
}
