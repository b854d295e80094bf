using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using MimeKit;
using PrivateMail.Domain.Users;
using PrivateMail.Tests.Integration.MyMail;
using PrivateMail.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;
using static PrivateMail.Tests.EndToEnd.JourneySteps;

namespace PrivateMail.Tests.EndToEnd;

/// <summary>
/// My mail in a real browser against the real app, Postfix and Dovecot: alice reads a customer's (bob's) mail and replies,
/// and bob's mailbox receives the reply; she answers a ticket with Reply and the ticket shows the reply and its new status;
/// a contact's address opens compose with the internal client and is a mailto: link with the external one.
/// </summary>
[Collection(BrowserAndPostfixCollection.Name)]
public sealed class MyMailJourneyTests(BrowserFixture browser, PostfixFixture postfix) : IAsyncLifetime
{
    private MyMailHarness? _harness;
    private BrowserSession? _session;

    private static bool TakeScreenshots => Environment.GetEnvironmentVariable("PM_SCREENSHOTS") == "1";

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact]
    public async Task Alice_reads_and_replies_answers_a_ticket_and_addresses_follow_her_mail_client()
    {
        _harness = await MyMailHarness.StartAsync(postfix);
        var marker = Guid.NewGuid().ToString("N")[..8];
        var bob = postfix.Dovecot.Bob;
        await postfix.SendAsync(bob, Message(bob.Email, "alice@example.test", $"Question {marker}", "Where is my invoice?"));

        _session = await browser.NewSessionAsync(_harness.App.BaseAddress);
        var page = await _session.NewPageAsync();
        await SignInAsync(page, "alice", MyMailHarness.Password);

        // My mail: the inbox lists the customer's mail; opening it shows the text.
        await page.Locator("#nav-MyMail").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/my-mail$"));
        await Expect(page.Locator("#my-mail")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 30_000 });
        var row = page.Locator("#mail-list li").Filter(new() { HasText = $"Question {marker}" });
        await Expect(row).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(row).ToHaveAttributeAsync("data-seen", "false");
        await row.Locator(".pm-mail-open").ClickAsync();
        await Expect(page.Locator("#mail-subject")).ToHaveTextAsync($"Question {marker}");
        await Expect(page.Locator("#mail-body")).ToContainTextAsync("Where is my invoice?");
        await Expect(row).ToHaveAttributeAsync("data-seen", "true");
        if (TakeScreenshots)
        {
            await page.SetViewportSizeAsync(1440, 900);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/journey-my-mail.png" });
        }

        // Reply (dialog, the default): prefilled, quoted; typed text is sent and arrives in bob's INBOX.
        await page.Locator("#mail-reply").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog.Locator("#compose-subject")).ToHaveValueAsync($"Re: Question {marker}", new() { Timeout = 30_000 });
        await Expect(dialog.Locator("#compose-to [data-chip]")).ToHaveCountAsync(1);
        await Expect(dialog.Locator("#compose-body")).ToHaveValueAsync(new Regex("> Where is my invoice\\?"));
        await dialog.Locator("#compose-body").PressAsync("Control+Home");
        await dialog.Locator("#compose-body").PressSequentiallyAsync("The invoice is attached to your account. ");
        if (TakeScreenshots)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/journey-my-mail-compose.png" });
        }

        await dialog.Locator("#compose-send").ClickAsync();
        await Expect(page.GetByText("Message sent.")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator(".mud-dialog #compose")).ToHaveCountAsync(0);
        var received = await _harness.WaitForDeliveryAsync(bob, $"Re: Question {marker}");
        Assert.Contains("The invoice is attached to your account.", received.TextBody);
        Assert.Contains("alice@example.test", received.From.ToString());

        // A ticket of bob's: Reply composes to him with the ticket number; after sending, the ticket shows it and its new status.
        var make = new RecordFactory(_harness.App.Services);
        var contactId = await make.ContactAsync(_harness.AliceId, "Bob", "Customer", bob.Email);
        var ticket = await make.TicketAsync(_harness.AliceId, $"Printer {marker}", contactId: contactId);
        await page.GotoAsync($"/tickets/{ticket.Id}");
        await page.WaitForBlazorAsync();
        var statusBefore = (await page.Locator("#ticket-status").TextContentAsync())!.Trim();
        await page.Locator("#ticket-reply").ClickAsync();
        await Expect(dialog.Locator("#compose-subject")).ToHaveValueAsync(new Regex($@"\[{Regex.Escape(ticket.Number.ToString())}\]"), new() { Timeout = 30_000 });
        await Expect(dialog.Locator("#compose-to [data-chip]")).ToContainTextAsync(bob.Email);
        await dialog.Locator("#compose-body").PressAsync("Control+Home");
        await dialog.Locator("#compose-body").PressSequentiallyAsync("We are sending a technician. ");
        await dialog.Locator("#compose-send").ClickAsync();
        await Expect(page.GetByText("Message sent.")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.Locator(".pm-conversation")).ToContainTextAsync("We are sending a technician.", new() { Timeout = 30_000 });
        await Expect(page.Locator("#ticket-status")).ToContainTextAsync("Waiting for response");
        Assert.DoesNotContain("Waiting for response", statusBefore);
        await _harness.WaitForDeliveryAsync(bob, $"[{ticket.Number}]");

        // The contact's address: Internal opens compose prefilled; External is a mailto: link.
        await page.GotoAsync($"/contacts/{contactId}");
        await page.WaitForBlazorAsync();
        var address = page.Locator("#contact-email a");
        await Expect(address).ToHaveAttributeAsync("data-mail-client", "internal");
        await address.ClickAsync();
        await Expect(dialog.Locator("#compose-to [data-chip]")).ToContainTextAsync(bob.Email, new() { Timeout = 30_000 });
        await dialog.Locator("#compose-discard").ClickAsync();
        await Expect(page.Locator(".mud-dialog #compose")).ToHaveCountAsync(0);

        await using (var db = await _harness.DbAsync())
        {
            var alice = await db.Users.SingleAsync(u => u.Id == _harness.AliceId);
            alice.DefaultMailClient = MailClient.External;
            await db.SaveChangesAsync();
        }

        await page.ReloadAsync();
        await page.WaitForBlazorAsync();
        await Expect(page.Locator("#contact-email a")).ToHaveAttributeAsync("href", $"mailto:{bob.Email}");

        // An HTML mail with its logo inline (multipart/related, cid:): the reading pane's frame loads it from its part.
        var html = new BodyBuilder
        {
            TextBody = "Our new logo",
            HtmlBody = "<p>Our new logo:</p><img src=\"cid:logo@customer.example\" alt=\"Customer logo\" width=\"120\" height=\"40\">",
        };
        html.LinkedResources.Add("logo.png", Convert.FromBase64String(OnePixelPng), new ContentType("image", "png")).ContentId = "logo@customer.example";
        var withLogo = Message(bob.Email, "alice@example.test", $"Logo {marker}", "");
        withLogo.Body = html.ToMessageBody();
        await postfix.Dovecot.AppendAsync(postfix.Dovecot.Alice, "INBOX", withLogo, TestContext.Current.CancellationToken);
        await page.GotoAsync("/my-mail");
        var logoRow = page.Locator("#mail-list li").Filter(new() { HasText = $"Logo {marker}" });
        await Expect(logoRow).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await logoRow.Locator(".pm-mail-open").ClickAsync();
        var image = page.FrameLocator("#message-html").Locator("img[alt='Customer logo']");
        await Expect(image).ToHaveJSPropertyAsync("naturalWidth", 1, new() { Timeout = 30_000 });
        // The mail's own image is not remote: nothing held back.
        await Expect(page.Locator("#message-show-images")).ToHaveCountAsync(0);
        if (TakeScreenshots)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/journey-my-mail-inline-image.png" });
        }

        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        Assert.Empty(_session.Errors);
    }

    /// <summary>A valid 1×1 PNG (red).</summary>
    private const string OnePixelPng = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    private static MimeMessage Message(string from, string to, string subject, string text)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("customer.example");
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }
}
