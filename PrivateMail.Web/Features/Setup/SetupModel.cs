using System.ComponentModel.DataAnnotations;
using PrivateMail.Web.Features.Localization;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Setup;

public sealed class SetupModel
{
    /// <summary>The one-time code from the app's log (<see cref="Setup.SetupCode"/>).</summary>
    [RequiredField, MaxLengthField(64)]
    [Display(ResourceType = typeof(SecurityStrings), Name = nameof(SecurityStrings.SetupCode))]
    public string SetupCode { get; set; } = "";

    [RequiredField, MaxLengthField(64)]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.UserName))]
    public string UserName { get; set; } = "";

    /// <summary>Asked here because My settings requires it: the first edit there must not fail on a name never asked for.</summary>
    [RequiredField, MaxLengthField(100)]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.FirstName))]
    public string FirstName { get; set; } = "";

    [RequiredField, MaxLengthField(100)]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.LastName))]
    public string LastName { get; set; } = "";

    [RequiredField, EmailField, MaxLengthField(256)]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.Email))]
    public string Email { get; set; } = "";

    [RequiredField]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.Password))]
    public string Password { get; set; } = "";

    [RequiredField, SameAs(nameof(Password))]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.ConfirmPassword))]
    public string ConfirmPassword { get; set; } = "";
}
