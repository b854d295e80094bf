using AngleSharp.Dom;
using Bunit;
using PrivateMail.Domain.Mail;

namespace PrivateMail.Tests.Web.Features.MailServers;

public sealed class MailServersPageTests : MailServerTestContext
{
    private static IElement Row(IRenderedComponent<MailServersHost> page, string name) =>
        page.Find($"#mail-servers-table td[data-server='{name}']").Closest("tr")!;

    private static async Task ClickDialogButtonAsync(IRenderedComponent<MailServersHost> page, string text)
    {
        var button = page.WaitForElements(".mud-dialog button").Single(b => b.TextContent.Trim() == text);
        await button.ClickAsync(new());
    }

    [Fact]
    public void Without_servers_the_page_explains_what_to_do_and_offers_to_add_one()
    {
        var page = RenderList();

        page.WaitForAssertion(() => Assert.Contains("No mail servers yet", page.Find("#mail-servers-empty").TextContent));
        Assert.Empty(page.FindAll("#mail-servers-table"));
        Assert.EndsWith("admin/mail-servers/new", page.Find("#mail-servers-add").GetAttribute("href"));
    }

    [Fact]
    public async Task Each_server_shows_its_imap_address_security_state_and_mailbox_count()
    {
        var office = NewServer("Office", "imap.example.com");
        office.ChangeImapSecurity(MailSecurity.StartTls);
        var officeId = await SaveServerAsync(office);
        var archive = NewServer("Archive", "10.0.0.5");
        archive.IsActive = false;
        archive.IsVisible = false;
        await SaveServerAsync(archive);
        await AddMailboxAsync(officeId, "jan");
        await AddMailboxAsync(officeId, "ola");

        var page = RenderList();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#mail-servers-table tbody tr").Count));
        Assert.Equal(["Archive", "Office"], page.FindAll("#mail-servers-table td[data-server]").Select(c => c.GetAttribute("data-server")));
        var row = Row(page, "Office");
        Assert.Contains("imap.example.com:143", row.TextContent);
        Assert.Contains("STARTTLS", row.TextContent);
        Assert.Contains("Active", row.TextContent);
        Assert.Equal("2", row.QuerySelector("td[data-mailboxes]")!.GetAttribute("data-mailboxes"));
        Assert.EndsWith($"admin/mail-servers/{officeId}", row.QuerySelector($"#server-edit-{officeId}")!.GetAttribute("href"));
        var archiveRow = Row(page, "Archive");
        Assert.Contains("10.0.0.5:993", archiveRow.TextContent);
        Assert.Contains("Inactive", archiveRow.TextContent);
        Assert.Equal("0", archiveRow.QuerySelector("td[data-mailboxes]")!.GetAttribute("data-mailboxes"));
    }

    [Fact]
    public async Task Deleting_asks_first_and_removes_an_unused_server()
    {
        var id = await SaveServerAsync(NewServer("Old server"));
        await SaveServerAsync(NewServer("Keep me"));
        var page = RenderList();
        page.WaitForElement("#mail-servers-table");

        // Not awaited: the handler waits for the dialog that this test answers next.
        page.Find($"#server-delete-{id}").Click();
        page.WaitForAssertion(() => Assert.Contains("Delete the mail server Old server?", page.Find(".mud-dialog").TextContent));
        await ClickDialogButtonAsync(page, "Cancel");
        Assert.True(await ServerExistsAsync(id));

        page.Find($"#server-delete-{id}").Click();
        await ClickDialogButtonAsync(page, "Delete");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("#mail-servers-table tbody tr")));
        Assert.False(await ServerExistsAsync(id));
        Assert.Contains("Mail server deleted.", page.Markup);
    }

    [Fact]
    public async Task Deleting_a_server_in_use_is_refused_and_deactivation_is_offered_instead()
    {
        var id = await SaveServerAsync(NewServer("Office"));
        await AddMailboxAsync(id, "jan");
        var page = RenderList();
        page.WaitForElement("#mail-servers-table");

        page.Find($"#server-delete-{id}").Click();
        await ClickDialogButtonAsync(page, "Delete");

        page.WaitForAssertion(() => Assert.Contains("Office cannot be deleted while mailboxes use it (mailboxes: 1)", page.Find(".mud-dialog").TextContent));
        await ClickDialogButtonAsync(page, "Deactivate");

        page.WaitForAssertion(() => Assert.Contains("Inactive", Row(page, "Office").TextContent));
        var server = await LoadServerAsync(id);
        Assert.False(server.IsActive);
    }

    [Fact]
    public async Task A_server_can_be_deactivated_and_activated_from_its_row()
    {
        var id = await SaveServerAsync(NewServer("Office"));
        var page = RenderList();
        page.WaitForElement("#mail-servers-table");

        await page.Find($"#server-toggle-{id}").ClickAsync(new());
        page.WaitForAssertion(() => Assert.Contains("Inactive", Row(page, "Office").TextContent));
        Assert.False((await LoadServerAsync(id)).IsActive);

        await page.Find($"#server-toggle-{id}").ClickAsync(new());
        page.WaitForAssertion(() => Assert.DoesNotContain("Inactive", Row(page, "Office").TextContent));
        Assert.True((await LoadServerAsync(id)).IsActive);
    }
}
