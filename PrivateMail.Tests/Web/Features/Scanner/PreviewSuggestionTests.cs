using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.Web.Features.Scanner;

/// <summary>
/// The first save of a mailbox with Create ticket on, over folders holding more than 100 messages since the start
/// date, suggests the preview (counted through the mail source port, here in memory) — Preview runs it and saves
/// nothing, Continue saves.
/// </summary>
public sealed class PreviewSuggestionTests : MailboxTestContext
{
    private readonly InMemoryMailSource _source = new();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("en");
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IMailSource>(_source);

    private void Deliver(int recent, int old)
    {
        for (var i = 0; i < recent + old; i++)
        {
            var message = new MimeMessage([new MailboxAddress("", $"c{i}@customer.example")], [new MailboxAddress("", "jan@example.test")], $"Question {i}", new TextPart("plain") { Text = "Hi" });
            _source.Append("INBOX", message, i < recent ? DateTimeOffset.UtcNow.AddDays(-1) : DateTimeOffset.UtcNow.AddYears(-2));
        }
    }

    private async Task<IRenderedComponent<WithPopovers>> FilledTabAsync(bool createTicket)
    {
        await AddServerAsync("Company mail");
        var page = RenderMailboxTab();
        page.WaitForElement("#mailbox-form");
        page.Find("#mailbox-login").Input("jan");
        page.Find("#mailbox-password").Input("pa55word");
        if (createTicket)
        {
            page.Find("#mailbox-action-CreateTicket").Change(true);
        }

        await page.Find("#mailbox-save").ClickAsync(new MouseEventArgs());
        return page;
    }

    private async Task<int> MailboxesAsync()
    {
        await using var db = await CreateDbAsync();
        return await db.Mailboxes.CountAsync();
    }

    [Fact]
    public async Task Many_messages_since_the_start_date_suggest_the_preview_and_Continue_saves()
    {
        Deliver(recent: 120, old: 30);

        var page = await FilledTabAsync(createTicket: true);

        page.WaitForAssertion(() => Assert.Equal("120", page.Find("#mailbox-preview-suggestion").GetAttribute("data-count")), Waits.Background);
        var text = page.Find("#mailbox-preview-suggestion-text").TextContent;
        Assert.StartsWith("Your folders hold 120 messages since ", text);
        Assert.EndsWith(" — Create ticket could open many tickets. Preview first?", text);
        Assert.Equal(0, await MailboxesAsync());
        Assert.Empty(_source.BodiesFetched);

        await page.Find("#mailbox-preview-suggestion-continue").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#mailbox-preview-suggestion")));
        Assert.Equal(1, await MailboxesAsync());
    }

    [Fact]
    public async Task Preview_runs_the_preview_and_saves_nothing()
    {
        Deliver(recent: 101, old: 0);

        var page = await FilledTabAsync(createTicket: true);
        page.WaitForElement("#mailbox-preview-suggestion", Waits.Background);

        await page.Find("#mailbox-preview-suggestion-preview").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Equal(50, page.FindAll("#preview-table tbody tr").Count), Waits.Background);
        Assert.Empty(page.FindAll("#mailbox-preview-suggestion"));
        Assert.Equal(0, await MailboxesAsync());

        // A row's "Test rules" opens its message in the rule tester, decided with the form's values.
        var row = page.FindAll("#preview-table tbody tr")[0];
        var subject = row.Children[2].TextContent;
        await row.QuerySelector(".preview-test")!.ClickAsync(new MouseEventArgs());
        page.WaitForAssertion(() => Assert.Contains($"“{subject}”", page.Find("#rule-tester-message").TextContent));
        Assert.Equal("true", page.Find("#rule-tester-result").GetAttribute("data-creates"));
    }

    [Theory]
    [InlineData(true, 100)]
    [InlineData(false, 500)]
    public async Task Up_to_100_messages_or_without_Create_ticket_the_first_save_just_saves(bool createTicket, int recent)
    {
        Deliver(recent, old: 50);

        var page = await FilledTabAsync(createTicket);

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#mailbox-password-set")), Waits.Background);
        Assert.Empty(page.FindAll("#mailbox-preview-suggestion"));
        Assert.Equal(1, await MailboxesAsync());
    }
}
