using System.ComponentModel.DataAnnotations;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Localization;

// Data annotations whose messages come from the string resources, so validation speaks the user's language.

internal sealed class RequiredFieldAttribute : RequiredAttribute
{
    public RequiredFieldAttribute()
    {
        ErrorMessageResourceType = typeof(Strings);
        ErrorMessageResourceName = nameof(Strings.ValidationRequired);
    }
}

internal sealed class MaxLengthFieldAttribute : StringLengthAttribute
{
    public MaxLengthFieldAttribute(int maximumLength) : base(maximumLength)
    {
        ErrorMessageResourceType = typeof(Strings);
        ErrorMessageResourceName = nameof(Strings.ValidationMaxLength);
    }
}

internal sealed class EmailFieldAttribute : DataTypeAttribute
{
    private static readonly EmailAddressAttribute Inner = new();

    public EmailFieldAttribute() : base(DataType.EmailAddress)
    {
        ErrorMessageResourceType = typeof(Strings);
        ErrorMessageResourceName = nameof(Strings.ValidationEmail);
    }

    public override bool IsValid(object? value) =>
        value is null || value is string { Length: 0 } || Inner.IsValid(value);
}

internal sealed class SameAsAttribute : CompareAttribute
{
    public SameAsAttribute(string otherProperty) : base(otherProperty)
    {
        ErrorMessageResourceType = typeof(Strings);
        ErrorMessageResourceName = nameof(Strings.ValidationPasswordsDiffer);
    }
}
