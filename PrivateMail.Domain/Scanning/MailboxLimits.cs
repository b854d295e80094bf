namespace PrivateMail.Domain.Scanning;

/// <summary>
/// Bounds on what one mailbox may ask of the scanner: every folder is opened on every scan and every exception is
/// compared with every message, so neither list may grow without limit.
/// </summary>
public static class MailboxLimits
{
    /// <summary>Folders one mailbox may scan.</summary>
    public const int MaxFolders = 50;

    /// <summary>Entries in each exception list of a mailbox (addresses, domains).</summary>
    public const int MaxExceptionEntries = 200;
}
