namespace PrivateMail.Domain.Scanning;

/// <summary>Whether the scanner reads a private mailbox. Changed only through <see cref="MailboxState"/>.</summary>
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
