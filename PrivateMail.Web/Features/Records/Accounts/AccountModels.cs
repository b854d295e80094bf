using System.ComponentModel.DataAnnotations;
using PrivateMail.Web.Features.Localization;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Accounts;

public sealed record AccountRow(int Id, string Name, string? Email, string? Website, string? Domain, string? Phone, string Owner, DateTimeOffset ModifiedAt);

public sealed record AccountDetails(
    int Id, string Name, string? Email, string? Website, string? Domain, string? Phone,
    string OwnerId, string Owner, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt);

/// <summary>What the account form edits.</summary>
public sealed class AccountModel : IRecordModel
{
    [RequiredField, MaxLengthField(200)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.AccountName))]
    public string Name { get; set; } = "";

    [RecordEmail, MaxLengthField(320)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Email))]
    public string? Email { get; set; }

    [Website, MaxLengthField(500)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Website))]
    public string? Website { get; set; }

    [MaxLengthField(50)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Phone))]
    public string? Phone { get; set; }

    [RequiredField]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Owner))]
    public string OwnerId { get; set; } = "";
}
