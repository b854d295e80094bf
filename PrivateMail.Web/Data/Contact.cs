namespace PrivateMail.Web.Data;

/// <summary>A person the users correspond with. Mail binds to a contact through its e-mail addresses.</summary>
public sealed class Contact : OwnedRecord
{
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string? Email { get; set; }
    /// <summary>The lookup form of <see cref="Email"/> (lower case, IDN in ASCII); indexed.</summary>
    public string? EmailNormalised { get; set; }
    public string? SecondaryEmail { get; set; }
    public string? SecondaryEmailNormalised { get; set; }
    public string? Phone { get; set; }
    public int? AccountId { get; set; }
    public Account? Account { get; set; }
}
