using Bunit;
using MailKit.Security;
using Microsoft.AspNetCore.Components.Web;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Tests.TestSupport;

namespace PrivateMail.Tests.Web.Features.Mailboxes;

/// <summary>The folder picker's loaded state, with the tree read from the real Dovecot (no fake IMAP).</summary>
[Collection(DovecotCollection.Name)]
public sealed class MailboxTabDovecotTests(DovecotFixture dovecot) : MailboxTestContext
{
    private static readonly TimeSpan ImapBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Loaded_folders_show_the_server_tree_with_labels_inbox_preselected_and_the_choice_is_saved()
    {
        char separator;
        using (var client = await dovecot.ConnectAsync(dovecot.Bob, SecureSocketOptions.None))
        {
            separator = client.PersonalNamespaces[0].DirectorySeparator;
        }

        await dovecot.AppendAsync(dovecot.Bob, $"Archive{separator}2025", new MimeMessage(
            [new MailboxAddress("Sender", "sender@example.test")], [dovecot.Bob.Address], "Old", new TextPart("plain") { Text = "x" }));
        await RawImap.RunAsync(dovecot, dovecot.Bob, $"CREATE Shared{separator}Team");
        await AddServerAsync("Dovecot", dovecot.Host, dovecot.ImapPort, MailSecurity.None);
        var page = RenderMailboxTab();
        page.WaitForElement("#mailbox-form");
        page.Find("#mailbox-login").Input(dovecot.Bob.Login);
        page.Find("#mailbox-password").Input(dovecot.Bob.Password);

        await page.Find("#mailbox-load-folders").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Equal("Loaded", page.Find("#mailbox-folders").GetAttribute("data-state")), ImapBound);
        var rows = page.FindAll("#mailbox-folders .pm-folder").ToList();
        Assert.Equal("INBOX", rows[0].GetAttribute("data-folder"));
        Assert.Equal("Inbox", rows[0].GetAttribute("data-role"));
        Assert.True(page.Find("#mailbox-folder-0").HasAttribute("checked"));
        var sent = rows.Single(r => r.GetAttribute("data-folder") == "Sent");
        Assert.Equal("Sent", sent.GetAttribute("data-role"));
        // Named like its role: labelled by its icon, not "Sent Sent".
        Assert.Equal("Sent", sent.QuerySelector(".pm-folder-name")!.TextContent);
        Assert.Null(sent.QuerySelector(".pm-folder-role"));
        Assert.Equal("Trash", rows.Single(r => r.GetAttribute("data-folder") == "Trash").GetAttribute("data-role"));
        Assert.Null(sent.QuerySelector("input[checked]"));
        var nested = rows.Single(r => r.GetAttribute("data-folder") == $"Archive{separator}2025");
        Assert.Contains("padding-left:1.5rem", nested.GetAttribute("style"));
        Assert.Equal("2025", nested.QuerySelector(".pm-folder-name")!.TextContent);
        var parentOnly = rows.Single(r => r.GetAttribute("data-folder") == "Shared");
        Assert.True(parentOnly.QuerySelector("input")!.HasAttribute("disabled"));
        Assert.Contains("holds only subfolders", parentOnly.TextContent);
        Assert.Contains("1 selected.", page.Find("#mailbox-folders").TextContent);

        page.Find($"#mailbox-folder-{rows.IndexOf(sent)}").Change(true);
        await page.Find("#mailbox-save").ClickAsync(new MouseEventArgs());

        Assert.Equal(["INBOX", "Sent"], (await LoadMailboxAsync(JanId))!.Folders);
    }

    [Fact]
    public async Task In_polish_special_use_folders_carry_their_polish_label()
    {
        UseCulture("pl");
        await AddServerAsync("Dovecot", dovecot.Host, dovecot.ImapPort, MailSecurity.None);
        var page = RenderMailboxTab();
        page.WaitForElement("#mailbox-form");
        page.Find("#mailbox-login").Input(dovecot.Bob.Login);
        page.Find("#mailbox-password").Input(dovecot.Bob.Password);

        await page.Find("#mailbox-load-folders").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Equal("Loaded", page.Find("#mailbox-folders").GetAttribute("data-state")), ImapBound);
        string? Label(string folder) => page.Find($"#mailbox-folders .pm-folder[data-folder='{folder}'] .pm-folder-role").TextContent;
        Assert.Equal("Odebrane", Label("INBOX"));
        Assert.Equal("Wysłane", Label("Sent"));
        Assert.Equal("Kosz", Label("Trash"));
        Assert.Contains("Wybrano: 1.", page.Find("#mailbox-folders").TextContent);
    }
}
