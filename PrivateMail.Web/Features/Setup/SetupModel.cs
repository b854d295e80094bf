using System.ComponentModel.DataAnnotations;
using PrivateMail.Web.Features.Localization;
using PrivateMail.Web.Features.Users;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Setup;

public sealed class SetupModel : PersonFields
{
    /// <summary>The one-time code from the app's log (<see cref="Setup.SetupCode"/>).</summary>
    [RequiredField, MaxLengthField(64)]
    [Display(ResourceType = typeof(SecurityStrings), Name = nameof(SecurityStrings.SetupCode))]
    public string SetupCode { get; set; } = "";

    [RequiredField, MaxLengthField(64)]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.UserName))]
    public string UserName { get; set; } = "";

    [RequiredField]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.Password))]
    public string Password { get; set; } = "";

    [RequiredField, SameAs(nameof(Password))]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.ConfirmPassword))]
    public string ConfirmPassword { get; set; } = "";
}
