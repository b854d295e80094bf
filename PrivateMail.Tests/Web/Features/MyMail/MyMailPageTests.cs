using Bunit;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Features.MyMail;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Web.Features.MyMail;

/// <summary>The My mail page over an in-memory mailbox: paging, sorting and search go to the server; opening marks read; live polling; problems.</summary>
public sealed class MyMailPageTests : MyMailTestContext
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Reader.AddFolder("INBOX", FolderRole.Inbox);
        Reader.AddFolder("Sent", FolderRole.Sent);
        Reader.AddFolder("Trash", FolderRole.Trash);
    }

    private IRenderedComponent<WithDialogs> RenderPage()
    {
        var page = Render<WithDialogs>(p => p.AddChildContent<MyMailPage>());
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("#my-mail").GetAttribute("data-ready")));
        return page;
    }

    private static List<string> Subjects(IRenderedComponent<WithDialogs> page) =>
        page.FindAll("#mail-list .pm-mail-subject").Select(e => e.TextContent.Trim()).ToList();

    [Fact]
    public void The_first_page_of_the_inbox_is_fetched_newest_first_and_next_asks_the_server_for_page_two()
    {
        for (var i = 1; i <= 60; i++)
        {
            Reader.AddMessage("INBOX", $"Sender {i:00} <s{i}@example.test>", $"Message {i:00}", seen: i % 2 == 0);
        }

        var page = RenderPage();

        Assert.Equal(new MessageQuery("INBOX", 0, MyMailPage.PageSize, EnvelopeOrder.DateDescending, null), Reader.Queries.Last());
        Assert.Equal(50, Subjects(page).Count);
        Assert.Equal("Message 60", Subjects(page)[0]);
        Assert.Contains("1–50 of 60", page.Find("#mail-range").TextContent);
        Assert.Equal("30", page.Find("[data-folder='INBOX'] .pm-mf-badge").TextContent);
        // Unread rows are marked (bold in the style sheet).
        Assert.Contains("pm-mail-unread", page.Find("#mail-list li[data-uid='59']").ClassName);
        Assert.DoesNotContain("pm-mail-unread", page.Find("#mail-list li[data-uid='60']").ClassName);

        page.Find("#mail-next").Click();

        page.WaitForAssertion(() => Assert.Equal(10, Subjects(page).Count));
        Assert.Equal(1, Reader.Queries.Last().PageIndex);
        Assert.Contains("51–60 of 60", page.Find("#mail-range").TextContent);
    }

    [Fact]
    public async Task Search_runs_on_the_server_in_the_current_folder_and_sorting_asks_again()
    {
        Reader.AddMessage("INBOX", "Anna <anna@customer.example>", "Invoice 03/2026");
        Reader.AddMessage("INBOX", "Bob <bob@example.test>", "Lunch");
        Reader.AddMessage("INBOX", "Celina <c@example.test>", "Another invoice");
        var page = RenderPage();

        page.Find("#mail-search").Input("invoice");
        page.Find("#mail-search").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        page.WaitForAssertion(() => Assert.Equal(["Another invoice", "Invoice 03/2026"], Subjects(page)));
        Assert.Equal("invoice", Reader.Queries.Last().Search);
        Assert.Equal("INBOX", Reader.Queries.Last().Folder);

        await page.Find(".pm-mail-sort [role=combobox]").MouseDownAsync(new());
        await page.WaitForElements(".mud-popover-open [role=option]").Single(o => o.TextContent.Trim() == "Subject A–Z").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal(EnvelopeOrder.SubjectAscending, Reader.Queries.Last().Sort));
        Assert.Equal("invoice", Reader.Queries.Last().Search);
        Assert.Equal(["Another invoice", "Invoice 03/2026"], Subjects(page));
    }

    [Fact]
    public void Opening_a_message_shows_it_marks_it_read_and_lowers_the_unread_badge()
    {
        Reader.AddMessage("INBOX", "Anna <anna@customer.example>", "Invoice 03/2026", text: "Where is my invoice?");
        Reader.AddMessage("INBOX", "Bob <bob@example.test>", "Lunch");
        var page = RenderPage();
        Assert.Equal("2", page.Find("[data-folder='INBOX'] .pm-mf-badge").TextContent);

        page.Find("#mail-list li[data-uid='1'] .pm-mail-open").Click();

        page.WaitForAssertion(() => Assert.Equal("Invoice 03/2026", page.Find("#mail-subject").TextContent));
        Assert.Contains("Where is my invoice?", page.Find("#message-text").TextContent);
        Assert.Equal(("INBOX", 1u), Reader.Opened.Single());
        Assert.Equal("true", page.Find("#mail-list li[data-uid='1']").GetAttribute("data-seen"));
        Assert.Equal("1", page.Find("[data-folder='INBOX'] .pm-mf-badge").TextContent);
    }

    [Fact]
    public void Bulk_actions_apply_to_the_selected_messages_and_delete_moves_to_trash_without_asking()
    {
        Reader.AddMessage("INBOX", "A <a@example.test>", "One");
        Reader.AddMessage("INBOX", "B <b@example.test>", "Two");
        Reader.AddMessage("INBOX", "C <c@example.test>", "Three");
        var page = RenderPage();

        page.Find("#mail-list li[data-uid='1'] input[type=checkbox]").Change(true);
        page.Find("#mail-list li[data-uid='3'] input[type=checkbox]").Change(true);
        page.WaitForAssertion(() => Assert.Contains("2 selected", page.Find("#mail-selected-count").TextContent));
        page.Find("#bulk-flag").Click();
        page.WaitForAssertion(() => Assert.Equal(FlagChange.Flag, Reader.FlagChanges.Single().Change));
        Assert.Equal([1u, 3u], Reader.FlagChanges.Single().Uids.Order());

        page.Find("#bulk-delete").Click();

        page.WaitForAssertion(() => Assert.Equal(["Two"], Subjects(page)));
        Assert.Equal([1u, 3u], Reader.Deletes.Single().Uids.Order());
        Assert.Empty(page.FindAll(".mud-dialog"));
    }

    [Fact]
    public void Deleting_in_trash_is_for_good_and_asks_first()
    {
        Reader.AddMessage("Trash", "A <a@example.test>", "Old");
        var page = RenderPage();
        page.Find("[data-folder='Trash']").Click();
        page.WaitForAssertion(() => Assert.Equal(["Old"], Subjects(page)));
        page.Find("#mail-list li[data-uid='1'] .pm-mail-open").Click();
        page.WaitForElement("#mail-delete").Click();

        page.WaitForAssertion(() => Assert.Contains("for good", page.Find(".mud-dialog").TextContent));
        Assert.Empty(Reader.Deletes);
        page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() => Assert.Single(Reader.Deletes));
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#mail-list-empty")));
    }

    [Fact]
    public async Task New_mail_appears_without_a_reload_while_the_page_polls_and_a_closed_page_stops_polling()
    {
        Reader.AddMessage("INBOX", "A <a@example.test>", "First");
        var page = RenderPage();
        var queries = Reader.Queries.Count;
        Assert.Equal(1, Timers.LiveTimers(MyMailPage.PollInterval));

        Timers.Fire(MyMailPage.PollInterval);
        page.WaitForAssertion(() => Assert.Equal(1, Reader.StateCalls));
        Assert.Equal(queries, Reader.Queries.Count);

        Reader.AddMessage("INBOX", "B <b@example.test>", "Second, just arrived");
        Timers.Fire(MyMailPage.PollInterval);

        page.WaitForAssertion(() => Assert.Equal(["Second, just arrived", "First"], Subjects(page)));
        Assert.Equal("2", page.Find("[data-folder='INBOX'] .pm-mf-badge").TextContent);

        await DisposeComponentsAsync();
        Assert.Equal(0, Timers.LiveTimers(MyMailPage.PollInterval));
        var calls = Reader.StateCalls;
        Timers.Fire(MyMailPage.PollInterval);
        Assert.Equal(calls, Reader.StateCalls);
    }

    [Fact]
    public void A_wrong_password_shows_a_clear_message_with_a_link_to_the_mailbox_tab_and_no_spinner()
    {
        Reader.Failure = new MyMailResult { Problem = MyMailProblem.AuthenticationFailed, Message = "The mail server refused the login for olga." };

        var page = Render<WithDialogs>(p => p.AddChildContent<MyMailPage>());

        page.WaitForAssertion(() => Assert.Contains("refused the login", page.Find("#mail-problem-message").TextContent));
        Assert.Equal("my-settings/mailbox", page.Find("#mail-problem-settings").GetAttribute("href"));
        Assert.Empty(page.FindAll(".mud-progress-linear"));
        Assert.DoesNotContain("Exception", page.Markup);

        Reader.Failure = null;
        page.Find("#mail-problem-retry").Click();
        page.WaitForAssertion(() => Assert.Equal("true", page.Find("#my-mail").GetAttribute("data-ready")));
    }
}
