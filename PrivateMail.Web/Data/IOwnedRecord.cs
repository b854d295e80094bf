namespace PrivateMail.Web.Data;

/// <summary>A CRM record with an owner: its owner and administrators see it, nobody else.</summary>
public interface IOwnedRecord
{
    int Id { get; }
    string OwnerId { get; }
}

/// <summary>A record with a lower-case search column (see <c>SearchText</c> in Features/Records).</summary>
public interface ISearchable
{
    string SearchText { get; }
}

/// <summary>
/// What every CRM record kind stores besides its own fields: id, owner, times (stamped by <see cref="Timestamps"/>) and the
/// search column. Not an entity itself: each kind has its own table with these columns.
/// </summary>
public abstract class OwnedRecord : IOwnedRecord, ISearchable, IModifiedAt
{
    public int Id { get; set; }
    public string OwnerId { get; set; } = "";
    public ApplicationUser? Owner { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ModifiedAt { get; set; }
    /// <summary>Lower-case text the list search looks in (SQLite folds only ASCII case by itself).</summary>
    public string SearchText { get; set; } = "";
}
