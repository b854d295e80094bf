using PrivateMail.Domain.Records;

namespace PrivateMail.Web.Data;

/// <summary>A prospective customer, not yet an account.</summary>
public sealed class Lead : IOwnedRecord, ISearchable, IModifiedAt
{
    public int Id { get; set; }
    public string Company { get; set; } = "";
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string? Email { get; set; }
    public string? EmailNormalised { get; set; }
    public LeadStatus Status { get; set; } = LeadStatus.New;
    public string OwnerId { get; set; } = "";
    public ApplicationUser? Owner { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
    public string SearchText { get; set; } = "";
}
