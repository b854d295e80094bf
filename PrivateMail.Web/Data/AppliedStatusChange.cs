namespace PrivateMail.Web.Data;

/// <summary>
/// A ticket status change the scanner made because of one message (by its dedupe key, per mailbox): the same message
/// seen again — in Archive, in a second folder, after a rescan — must not change the status again, even when no
/// e-mail of it was stored to recognise it by (<c>Create e-mail</c> off).
/// </summary>
public sealed class AppliedStatusChange
{
    public int MailboxId { get; set; }
    public string MessageKey { get; set; } = "";
    public int TicketId { get; set; }
    public DateTimeOffset AppliedAt { get; set; }
}
