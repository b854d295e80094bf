namespace PrivateMail.Web.Data;

/// <summary>A company or organisation. Mail binds to it by its e-mail address or by the domain of its website.</summary>
public sealed class Account : OwnedRecord
{
    public string Name { get; set; } = "";
    public string? Email { get; set; }
    public string? EmailNormalised { get; set; }
    public string? Website { get; set; }
    /// <summary>The website's host in comparison form without www., e.g. <c>xn--bcher-kva.example</c>; indexed.</summary>
    public string? Domain { get; set; }
    public string? Phone { get; set; }
}
