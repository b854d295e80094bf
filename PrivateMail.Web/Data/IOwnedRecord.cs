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
