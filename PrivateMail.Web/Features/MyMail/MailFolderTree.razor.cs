using MudBlazor;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MyMail;

public sealed partial class MailFolderTree
{
    /// <summary>The order a mail client's users expect: special-use folders first, each with its subfolders after it.</summary>
    private static readonly FolderRole[] SpecialOrder = [FolderRole.Inbox, FolderRole.Drafts, FolderRole.Sent, FolderRole.Junk, FolderRole.Trash, FolderRole.Archive];

    /// <summary>Top-level folders (with their subtrees) sorted by role, then kept in the server's order.</summary>
    internal static IReadOnlyList<MailFolderInfo> Ordered(IReadOnlyList<MailFolderInfo> folders)
    {
        var groups = new List<List<MailFolderInfo>>();
        foreach (var folder in folders)
        {
            if (folder.Depth == 0 || groups.Count == 0)
            {
                groups.Add([folder]);
            }
            else
            {
                groups[^1].Add(folder);
            }
        }

        return groups
            .Select((group, index) => (group, index, rank: Rank(group[0].Role)))
            .OrderBy(g => g.rank).ThenBy(g => g.index)
            .SelectMany(g => g.group)
            .ToList();
    }

    private static int Rank(FolderRole role) => Array.IndexOf(SpecialOrder, role) is var i and >= 0 ? i : SpecialOrder.Length;

    internal static string Icon(FolderRole role) => role switch
    {
        FolderRole.Inbox => Icons.Material.Outlined.Inbox,
        FolderRole.Drafts => Icons.Material.Outlined.Drafts,
        FolderRole.Sent => Icons.Material.Outlined.Send,
        FolderRole.Junk => Icons.Material.Outlined.Report,
        FolderRole.Trash => Icons.Material.Outlined.Delete,
        FolderRole.Archive => Icons.Material.Outlined.Archive,
        FolderRole.Flagged => Icons.Material.Outlined.Flag,
        FolderRole.All => Icons.Material.Outlined.AllInbox,
        _ => Icons.Material.Outlined.Folder,
    };

    /// <summary>Special-use folders at the top level get their name in the user's language; others keep the server's name.</summary>
    internal static string DisplayName(MailFolderInfo folder) => folder.Depth > 0 ? folder.Name : folder.Role switch
    {
        FolderRole.Inbox => MyMailStrings.FolderInbox,
        FolderRole.Drafts => MyMailStrings.FolderDrafts,
        FolderRole.Sent => MyMailStrings.FolderSent,
        FolderRole.Junk => MyMailStrings.FolderJunk,
        FolderRole.Trash => MyMailStrings.FolderTrash,
        FolderRole.Archive => MyMailStrings.FolderArchive,
        _ => folder.Name,
    };
}
