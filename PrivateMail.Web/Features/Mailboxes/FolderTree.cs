using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Features.Mailboxes;

/// <summary>Puts a flat folder list in tree order, so indenting by depth draws each child under its parent.</summary>
public static class FolderTree
{
    /// <summary>
    /// INBOX first, then path segment by segment, case-insensitively. Sorting whole names would put "Projects Old"
    /// between "Projects" and "Projects.2026" (a space sorts before the separator) and break the tree.
    /// </summary>
    public static IReadOnlyList<MailFolder> Order(IEnumerable<MailFolder> folders) =>
        folders
            .OrderBy(f => f.Role != FolderRole.Inbox)
            .ThenBy(Segments, SegmentComparer.Instance)
            .ToList();

    private static string[] Segments(MailFolder folder)
    {
        if (folder.Depth == 0 || folder.Name.Length >= folder.FullName.Length)
        {
            return [folder.FullName];
        }

        // The separator is the character just before the last segment.
        var separator = folder.FullName[folder.FullName.Length - folder.Name.Length - 1];
        return folder.FullName.Split(separator);
    }

    private sealed class SegmentComparer : IComparer<string[]>
    {
        public static readonly SegmentComparer Instance = new();

        public int Compare(string[]? x, string[]? y)
        {
            x ??= [];
            y ??= [];
            for (var i = 0; i < Math.Min(x.Length, y.Length); i++)
            {
                var byName = StringComparer.CurrentCultureIgnoreCase.Compare(x[i], y[i]);
                if (byName != 0)
                {
                    return byName;
                }
            }

            return x.Length.CompareTo(y.Length);
        }
    }
}
