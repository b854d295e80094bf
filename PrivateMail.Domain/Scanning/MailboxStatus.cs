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
}
