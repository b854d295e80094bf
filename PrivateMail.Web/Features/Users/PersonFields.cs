using System.ComponentModel.DataAnnotations;
using PrivateMail.Web.Features.Localization;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Users;

/// <summary>
/// A user's name and address with the one set of rules every form that asks for them uses — the first-run set-up, the
/// administrator's new user and My settings — so a name one form accepts is never refused by the next.
/// </summary>
public abstract class PersonFields
{
    [RequiredField, MaxLengthField(100)]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.FirstName))]
    public string FirstName { get; set; } = "";

    [RequiredField, MaxLengthField(100)]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.LastName))]
    public string LastName { get; set; } = "";

    [RequiredField, EmailField, MaxLengthField(256)]
    [Display(ResourceType = typeof(Strings), Name = nameof(Strings.Email))]
    public string Email { get; set; } = "";
}
