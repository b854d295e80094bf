using Bunit;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.MyMail;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Web.Features.MyMail;

/// <summary>The folder tree: special-use folders first (each with its subfolders), their icons and names, unread counts.</summary>
public sealed class MailFolderTreeTests : PrivateMailTestContext
{
    private static readonly MailFolderInfo[] ServerOrder =
    [
        new("Projects", "Projects", 0, FolderRole.None, true, 0, 4),
        new("Projects/2026", "2026", 1, FolderRole.None, true, 2, 9),
        new("Trash", "Trash", 0, FolderRole.Trash, true, 0, 3),
        new("INBOX", "INBOX", 0, FolderRole.Inbox, true, 5, 40),
        new("INBOX/Invoices", "Invoices", 1, FolderRole.None, true, 1, 6),
        new("Archive", "Archive", 0, FolderRole.Archive, true, 0, 100),
        new("Sent", "Sent", 0, FolderRole.Sent, true, 0, 12),
        new("Junk", "Junk", 0, FolderRole.Junk, true, 0, 0),
        new("Drafts", "Drafts", 0, FolderRole.Drafts, true, 0, 1),
        new("Shared", "Shared", 0, FolderRole.None, false, 0, 0),
    ];

    [Fact]
    public void Special_use_folders_come_first_in_the_expected_order_with_their_subfolders()
    {
        var tree = Render<MailFolderTree>(p => p.Add(x => x.Folders, ServerOrder).Add(x => x.Selected, "INBOX"));

        var order = tree.FindAll("[data-folder]").Select(e => e.GetAttribute("data-folder")).ToList();
        Assert.Equal(["INBOX", "INBOX/Invoices", "Drafts", "Sent", "Junk", "Trash", "Archive", "Projects", "Projects/2026", "Shared"], order);
    }

    [Fact]
    public void Folders_show_icons_localised_names_unread_badges_and_the_selection()
    {
        var tree = Render<MailFolderTree>(p => p.Add(x => x.Folders, ServerOrder).Add(x => x.Selected, "INBOX"));

        var inbox = tree.Find("[data-folder='INBOX']");
        Assert.Equal("Inbox", inbox.QuerySelector(".pm-mf-name")!.TextContent);
        Assert.Equal("5", inbox.QuerySelector(".pm-mf-badge")!.TextContent);
        Assert.Equal("true", inbox.GetAttribute("aria-current"));
        Assert.Equal("2", tree.Find("[data-folder='Projects/2026'] .pm-mf-badge").TextContent);
        Assert.Null(tree.Find("[data-folder='Sent']").QuerySelector(".pm-mf-badge"));
        // Each special folder has its own icon (the SVG path differs from a plain folder's).
        var icons = new[] { "INBOX", "Drafts", "Sent", "Junk", "Trash", "Archive", "Projects" }
            .Select(f => tree.Find($"[data-folder='{f}'] svg").InnerHtml).ToList();
        Assert.Equal(icons.Count, icons.Distinct().Count());
        // A folder that holds only subfolders cannot be chosen.
        Assert.Equal("SPAN", tree.Find("[data-folder='Shared']").TagName);

        UseCulture("pl");
        var polish = Render<MailFolderTree>(p => p.Add(x => x.Folders, ServerOrder));
        Assert.Equal("Odebrane", polish.Find("[data-folder='INBOX'] .pm-mf-name").TextContent);
        Assert.Equal("Kosz", polish.Find("[data-folder='Trash'] .pm-mf-name").TextContent);
        Assert.Equal("Invoices", polish.Find("[data-folder='INBOX/Invoices'] .pm-mf-name").TextContent);
    }

    [Fact]
    public void Choosing_a_folder_reports_its_full_name()
    {
        string? chosen = null;
        var tree = Render<MailFolderTree>(p => p.Add(x => x.Folders, ServerOrder).Add(x => x.SelectedChanged, (string f) => chosen = f));

        tree.Find("[data-folder='Projects/2026']").Click();

        Assert.Equal("Projects/2026", chosen);
    }
}
