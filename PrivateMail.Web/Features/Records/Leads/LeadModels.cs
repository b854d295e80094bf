using System.ComponentModel.DataAnnotations;
using PrivateMail.Domain.Records;
using PrivateMail.Web.Features.Localization;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Leads;

public sealed record LeadRow(int Id, string Company, string FirstName, string LastName, string? Email, LeadStatus Status, string Owner, DateTimeOffset ModifiedAt)
{
    public string FullName => $"{FirstName} {LastName}".Trim();
}

public sealed record LeadDetails(
    int Id, string Company, string FirstName, string LastName, string? Email, LeadStatus Status,
    string OwnerId, string Owner, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt)
{
    public string FullName => $"{FirstName} {LastName}".Trim();
}

/// <summary>What the lead form edits.</summary>
public sealed class LeadModel : IRecordModel
{
    [RequiredField, MaxLengthField(200)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Company))]
    public string Company { get; set; } = "";

    [MaxLengthField(100)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.FirstName))]
    public string FirstName { get; set; } = "";

    [MaxLengthField(100)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.LastName))]
    public string LastName { get; set; } = "";

    [RecordEmail, MaxLengthField(320)]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Email))]
    public string? Email { get; set; }

    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Status))]
    public LeadStatus Status { get; set; } = LeadStatus.New;

    [RequiredField]
    [Display(ResourceType = typeof(RecordStrings), Name = nameof(RecordStrings.Owner))]
    public string OwnerId { get; set; } = "";
}
