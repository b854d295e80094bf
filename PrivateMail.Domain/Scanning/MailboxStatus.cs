namespace PrivateMail.Domain.Scanning;

/// <summary>Whether the scanner reads a private mailbox.</summary>
public enum MailboxStatus
{
    /// <summary>Scanned on schedule.</summary>
    Active = 0,
    /// <summary>Switched off by its owner.</summary>
    Inactive = 1,
    /// <summary>Set by the scanner after a connection or login failure; cleared when a later scan connects.</summary>
    Locked = 2,
    /// <summary>
    /// The stored password cannot be decrypted (the app's keys were lost or replaced). Not scanned, not retried: the
    /// owner must enter the password again. Logging in with an empty password every 15 minutes would only get the
    /// account locked at the mail server.
    /// </summary>
    SecretUnreadable = 3,
}

/// <summary>The transitions of <see cref="MailboxStatus"/> that are not the scanner's plain lock and unlock.</summary>
public static class MailboxStatusRules
{
    /// <summary>The stored secret could not be decrypted: an inactive mailbox stays inactive, any other waits for its owner.</summary>
    public static MailboxStatus WhenSecretUnreadable(MailboxStatus current) =>
        current == MailboxStatus.Inactive ? MailboxStatus.Inactive : MailboxStatus.SecretUnreadable;

    /// <summary>
    /// What the owner's save leaves: they may switch the mailbox on or off, but a lock stays until the scanner connects,
    /// and an unreadable secret stays until a new password is typed. Null when <paramref name="requested"/> is a state
    /// only the app may set.
    /// </summary>
    public static MailboxStatus? AfterOwnerSave(MailboxStatus? stored, MailboxStatus requested, bool newSecret) => requested switch
    {
        MailboxStatus.Inactive => MailboxStatus.Inactive,
        MailboxStatus.Active or MailboxStatus.SecretUnreadable when stored == MailboxStatus.SecretUnreadable =>
            newSecret ? MailboxStatus.Active : MailboxStatus.SecretUnreadable,
        MailboxStatus.Active or MailboxStatus.Locked when stored == MailboxStatus.Locked => MailboxStatus.Locked,
        MailboxStatus.Active => MailboxStatus.Active,
        _ => null,
    };
}
