using PrivateMail.Domain.Scanning;

namespace PrivateMail.Domain.Binding;

/// <summary>
/// Who sees which mail: the scanner binds a private mailbox's mail only to records its owner may see — the owner's own
/// contacts, accounts, leads and tickets and the owner as a user; everything when the owner is an administrator (who
/// sees every record anyway). There is no record sharing, so nothing else counts. Without this rule anyone could read a
/// colleague's mail by creating a record that matches it (an account with the website gmail.com, a contact with a
/// customer's address).
/// </summary>
/// <param name="OwnerId">The mailbox owner's user id.</param>
/// <param name="OwnerSeesEverything">Whether the owner is an administrator.</param>
public sealed record BindingScope(string OwnerId, bool OwnerSeesEverything)
{
    /// <summary>Whether mail of this mailbox may be linked to a record of <paramref name="kind"/> owned by <paramref name="recordOwnerId"/>.</summary>
    /// <param name="kind">The record's kind.</param>
    /// <param name="recordId">The record's id (for users, the user id).</param>
    /// <param name="recordOwnerId">The record's owner (ignored for users).</param>
    public bool MayBind(RecordKind kind, string recordId, string? recordOwnerId) =>
        OwnerSeesEverything || (kind == RecordKind.User ? recordId == OwnerId : recordOwnerId == OwnerId);
}
