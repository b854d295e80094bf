namespace PrivateMail.Domain.Scanning;

/// <summary>Why <see cref="MailboxState"/> refused a transition.</summary>
public enum MailboxStateRefusal
{
    /// <summary>The owner switched the mailbox off: the app's locks and unlocks leave it alone.</summary>
    Inactive,
    /// <summary>Only a locked mailbox can be unlocked.</summary>
    NotLocked,
    /// <summary>An unreadable secret waits for its owner's new password, not for a scan.</summary>
    SecretUnreadable,
    /// <summary>The owner asked for a state only the app sets (Locked, SecretUnreadable) or for an unknown one.</summary>
    NotTheOwners,
}

/// <summary>The outcome of a transition: the new state, or the reason it was refused (then <see cref="State"/> is the old one).</summary>
public sealed record MailboxStateChange(MailboxState State, MailboxStateRefusal? Refused)
{
    public bool Allowed => Refused is null;
}

/// <summary>
/// A private mailbox's status with the error that explains it, and every rule for changing it: only the scanner (once it
/// connects) or a new OAuth sign-in lifts a lock, only a new password clears an unreadable secret, an Inactive mailbox is
/// never switched on by the app, and a locked mailbox is retried after a pause. Each method returns the new state or
/// refuses with the reason; the web layer stores what it returns.
/// </summary>
public readonly record struct MailboxState(MailboxStatus Status, string? LastError = null, DateTimeOffset? LastErrorAt = null)
{
    /// <summary>The longest error text kept (the column's length).</summary>
    public const int MaxErrorLength = 2000;

    /// <summary>The states <see cref="Lock"/> accepts, for updates that must check them in the database itself.</summary>
    public static IReadOnlyList<MailboxStatus> LockableFrom { get; } = [MailboxStatus.Active, MailboxStatus.Locked];

    /// <summary>The states <see cref="Unlock"/> accepts.</summary>
    public static IReadOnlyList<MailboxStatus> UnlockableFrom { get; } = [MailboxStatus.Locked];

    /// <summary>The scanner could not connect or log in: an Active (or already Locked) mailbox locks with the reason.</summary>
    public MailboxStateChange Lock(string reason, DateTimeOffset at) => Status switch
    {
        MailboxStatus.Active or MailboxStatus.Locked => Allow(new MailboxState(MailboxStatus.Locked, Truncate(reason), at)),
        MailboxStatus.Inactive => Refuse(MailboxStateRefusal.Inactive),
        _ => Refuse(MailboxStateRefusal.SecretUnreadable),
    };

    /// <summary>A scan connected: a lock is lifted; any other state stays until the feature that set it clears it.</summary>
    public MailboxStateChange Unlock() => Status == MailboxStatus.Locked
        ? Allow(new MailboxState(MailboxStatus.Active))
        : Refuse(MailboxStateRefusal.NotLocked);

    /// <summary>
    /// The owner signed in with OAuth again: a lock was about the credentials they have just replaced, so it is lifted
    /// (a scan that still fails locks again).
    /// </summary>
    public MailboxStateChange SignedIn() => Unlock();

    /// <summary>The stored OAuth sign-in ended (refresh refused, token unreadable): the mailbox locks until a new sign-in.</summary>
    public MailboxStateChange SignInEnded(string reason, DateTimeOffset at) => Status == MailboxStatus.Inactive
        ? Refuse(MailboxStateRefusal.Inactive)
        : Allow(new MailboxState(MailboxStatus.Locked, Truncate(reason), at));

    /// <summary>
    /// The stored password cannot be decrypted: the mailbox waits for its owner. An Inactive one stays Inactive (the
    /// reason is still noted, so the owner sees it when switching it on).
    /// </summary>
    public MailboxStateChange SecretUnreadable(string reason, DateTimeOffset at) => Allow(new MailboxState(
        Status == MailboxStatus.Inactive ? MailboxStatus.Inactive : MailboxStatus.SecretUnreadable, Truncate(reason), at));

    /// <summary>
    /// What the owner's save leaves (<paramref name="stored"/> null for a new mailbox): they may switch the mailbox on or
    /// off, but a lock stays until the scanner connects, and an unreadable secret stays until a new password is typed
    /// (which also clears its error).
    /// </summary>
    public static MailboxStateChange AfterOwnerSave(MailboxState? stored, MailboxStatus requested, bool newSecret)
    {
        var current = stored ?? new MailboxState(MailboxStatus.Active);
        var storedStatus = stored?.Status;
        MailboxStatus? next = requested switch
        {
            MailboxStatus.Inactive => MailboxStatus.Inactive,
            MailboxStatus.Active or MailboxStatus.SecretUnreadable when storedStatus == MailboxStatus.SecretUnreadable =>
                newSecret ? MailboxStatus.Active : MailboxStatus.SecretUnreadable,
            MailboxStatus.Active or MailboxStatus.Locked when storedStatus == MailboxStatus.Locked => MailboxStatus.Locked,
            MailboxStatus.Active => MailboxStatus.Active,
            _ => null,
        };
        if (next is not { } status)
        {
            return new MailboxStateChange(current, MailboxStateRefusal.NotTheOwners);
        }

        var clearsError = storedStatus == MailboxStatus.SecretUnreadable && status != MailboxStatus.SecretUnreadable;
        return new MailboxStateChange(clearsError ? new MailboxState(status) : current with { Status = status }, null);
    }

    /// <summary>Whether the schedule scans the mailbox now: an Active one always, a Locked one once its failure is older than <paramref name="lockedRetryInterval"/>.</summary>
    public bool IsDue(DateTimeOffset now, TimeSpan lockedRetryInterval) => Status switch
    {
        MailboxStatus.Active => true,
        MailboxStatus.Locked => LastErrorAt is not { } at || at <= now - lockedRetryInterval,
        _ => false,
    };

    private MailboxStateChange Allow(MailboxState next) => new(next, null);

    private MailboxStateChange Refuse(MailboxStateRefusal reason) => new(this, reason);

    private static string Truncate(string reason) => reason.Length <= MaxErrorLength ? reason : reason[..MaxErrorLength];
}
