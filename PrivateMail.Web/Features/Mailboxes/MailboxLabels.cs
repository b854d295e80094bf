using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Mailboxes;

/// <summary>How mailbox settings read on screen, in the user's language.</summary>
public static class MailboxLabels
{
    public static string Action(ScannerActions action) => action switch
    {
        ScannerActions.CreateEmail => MailboxStrings.ActionCreateEmail,
        ScannerActions.BindEmail => MailboxStrings.ActionBindEmail,
        ScannerActions.OpenTicket => MailboxStrings.ActionOpenTicket,
        ScannerActions.CreateTicket => MailboxStrings.ActionCreateTicket,
        _ => action.ToString(),
    };

    public static string ActionHelp(ScannerActions action) => action switch
    {
        ScannerActions.CreateEmail => MailboxStrings.ActionCreateEmailHelp,
        ScannerActions.BindEmail => MailboxStrings.ActionBindEmailHelp,
        ScannerActions.OpenTicket => MailboxStrings.ActionOpenTicketHelp,
        ScannerActions.CreateTicket => MailboxStrings.ActionCreateTicketHelp,
        _ => "",
    };

    /// <summary>E.g. "Contacts – E-mail".</summary>
    public static string SearchField(SearchField field)
    {
        var record = field.Record switch
        {
            RecordKind.Contact => MailboxStrings.RecordContacts,
            RecordKind.Account => MailboxStrings.RecordAccounts,
            RecordKind.Lead => MailboxStrings.RecordLeads,
            RecordKind.User => MailboxStrings.RecordUsers,
            RecordKind.Ticket => MailboxStrings.RecordTickets,
            _ => field.Record.ToString(),
        };
        var name = field.Key == SearchFields.ContactSecondaryEmail.Key
            ? MailboxStrings.FieldSecondaryEmail
            : field.Kind switch
            {
                SearchFieldKind.Email => MailboxStrings.FieldEmail,
                SearchFieldKind.Domain => MailboxStrings.FieldDomain,
                SearchFieldKind.RecordNumber => MailboxStrings.FieldNumber,
                _ => field.Key,
            };
        return $"{record} – {name}";
    }

    /// <summary>The special-use label of a folder, or null for an ordinary folder.</summary>
    public static string? Role(FolderRole role) => role switch
    {
        FolderRole.Inbox => MailboxStrings.RoleInbox,
        FolderRole.Sent => MailboxStrings.RoleSent,
        FolderRole.Drafts => MailboxStrings.RoleDrafts,
        FolderRole.Trash => MailboxStrings.RoleTrash,
        FolderRole.Junk => MailboxStrings.RoleJunk,
        FolderRole.Archive => MailboxStrings.RoleArchive,
        FolderRole.All => MailboxStrings.RoleAll,
        FolderRole.Flagged => MailboxStrings.RoleFlagged,
        _ => null,
    };

    public static string RoleIcon(FolderRole role) => role switch
    {
        FolderRole.Inbox => MudBlazor.Icons.Material.Outlined.Inbox,
        FolderRole.Sent => MudBlazor.Icons.Material.Outlined.Send,
        FolderRole.Drafts => MudBlazor.Icons.Material.Outlined.Drafts,
        FolderRole.Trash => MudBlazor.Icons.Material.Outlined.Delete,
        FolderRole.Junk => MudBlazor.Icons.Material.Outlined.Report,
        FolderRole.Archive => MudBlazor.Icons.Material.Outlined.Archive,
        FolderRole.All => MudBlazor.Icons.Material.Outlined.AllInbox,
        FolderRole.Flagged => MudBlazor.Icons.Material.Outlined.Flag,
        _ => MudBlazor.Icons.Material.Outlined.Folder,
    };

    public static string Status(MailboxStatus status) => status switch
    {
        MailboxStatus.Inactive => MailboxStrings.StatusInactive,
        MailboxStatus.Locked => MailboxStrings.StatusLocked,
        MailboxStatus.SecretUnreadable => SecurityStrings.StatusSecretUnreadable,
        _ => MailboxStrings.StatusActive,
    };

    /// <summary>Who the user signs in with on an OAuth 2.0 server: the provider, or the server's name for a generic one.</summary>
    public static string SignInProvider(SelectableServer server) => server.OAuthProvider switch
    {
        OAuthProvider.Google => "Google",
        OAuthProvider.Microsoft => "Microsoft",
        _ => server.Name,
    };
}
