namespace PrivateMail.Web.Data;

/// <summary>A person the users correspond with. Mail binds to a contact through its e-mail addresses.</summary>
public sealed class Contact : IOwnedRecord, ISearchable, IModifiedAt
{
    public int Id { get; set; }
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
    public string OwnerId { get; set; } = "";
    public ApplicationUser? Owner { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
    /// <summary>Lower-case text the list search looks in (SQLite folds only ASCII case by itself).</summary>
    public string SearchText { get; set; } = "";
}
