using System.ComponentModel.DataAnnotations;
using PrivateMail.Web.Features.Localization;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Contacts;

/// <summary>A contact as the list shows it.</summary>
public sealed record ContactRow(int Id, string FirstName, string LastName, string? Email, string? Phone, int? AccountId, string? AccountName, string Owner, DateTimeOffset ModifiedAt)
{
    public string FullName => $"{FirstName} {LastName}".Trim();
}

/// <summary>A contact as its page shows it.</summary>
public sealed record ContactDetails(
    int Id, string FirstName, string LastName, string? Email, string? SecondaryEmail, string? Phone,
    int? AccountId, string? AccountName, string OwnerId, string Owner, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt)
{
    public string FullName => $"{FirstName} {LastName}".Trim();
}

/// <summary>What the contact form edits.</summary>
public sealed class ContactModel : IRecordModel
{
    [MaxLengthField(100)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.FirstName))]
    public string FirstName { get; set; } = "";

    [RequiredField, MaxLengthField(100)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.LastName))]
    public string LastName { get; set; } = "";

    [RecordEmail, MaxLengthField(320)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Email))]
    public string? Email { get; set; }

    [RecordEmail, MaxLengthField(320)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.SecondaryEmail))]
    public string? SecondaryEmail { get; set; }

    [MaxLengthField(50)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Phone))]
    public string? Phone { get; set; }

    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Account))]
    public RecordOption? Account { get; set; }

    [RequiredField]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Owner))]
    public string OwnerId { get; set; } = "";
}
