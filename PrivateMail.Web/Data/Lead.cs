using PrivateMail.Domain.Records;

namespace PrivateMail.Web.Data;

/// <summary>A prospective customer, not yet an account.</summary>
public sealed class Lead : OwnedRecord
{
    public string Company { get; set; } = "";
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string? Email { get; set; }
    public string? EmailNormalised { get; set; }
    public LeadStatus Status { get; set; } = LeadStatus.New;
}
