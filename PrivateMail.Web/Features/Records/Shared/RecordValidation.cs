using System.ComponentModel.DataAnnotations;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Shared;

/// <summary>
/// An e-mail address the scanner can match: parsed and normalised by <see cref="EmailAddress"/> (IDN domains, quoted local
/// parts). Stricter than the framework's check, which accepts "a@b". Empty passes; combine with a required rule.
/// </summary>
internal sealed class RecordEmailAttribute : ValidationAttribute
{
    public RecordEmailAttribute()
    {
        ErrorMessageResourceType = typeof(Strings);
        ErrorMessageResourceName = nameof(Strings.ValidationEmail);
    }

    public override bool IsValid(object? value) =>
        value is not string text || string.IsNullOrWhiteSpace(text) || EmailAddress.Parse(text) is { DisplayName: null };
}

/// <summary>A website whose host is a domain, such as <c>www.firma.pl</c> or <c>https://bücher.example/</c>.</summary>
internal sealed class WebsiteAttribute : ValidationAttribute
{
    public WebsiteAttribute()
    {
        ErrorMessageResourceType = typeof(RecordStrings);
        ErrorMessageResourceName = nameof(RecordStrings.ValidationWebsite);
    }

    public override bool IsValid(object? value) =>
        value is not string text || string.IsNullOrWhiteSpace(text) || WebsiteDomain.FromWebsite(text) is not null;
}

/// <summary>Helpers for the services' own checks, which the form cannot make.</summary>
internal static class RecordFields
{
    /// <summary>Trimmed, or null when blank.</summary>
    public static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Runs the model's data annotations on the server too: a crafted circuit message must not skip them.</summary>
    public static Dictionary<string, string> Validate(object model)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(model, new ValidationContext(model), results, validateAllProperties: true);
        var errors = new Dictionary<string, string>();
        foreach (var result in results)
        {
            foreach (var member in result.MemberNames.DefaultIfEmpty(""))
            {
                errors.TryAdd(member, result.ErrorMessage ?? "");
            }
        }

        return errors;
    }
}
