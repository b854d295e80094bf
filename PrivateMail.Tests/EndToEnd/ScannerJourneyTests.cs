using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MimeKit;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using static Microsoft.Playwright.Assertions;
using static PrivateMail.Tests.EndToEnd.JourneySteps;

namespace PrivateMail.Tests.EndToEnd;

/// <summary>
/// The product page's flow end to end, in a real browser against the real app and Dovecot: the user configures the
/// private mailbox with all four scanner actions, presses Scan now, sees the e-mail bound to their contact (on a contact
/// page left open, without reloading it), finds the ticket created for a new sender, and a reply carrying the ticket
/// number moves that ticket from Waiting for response to Answered while its page is open.
/// </summary>
[Collection(BrowserAndDovecotCollection.Name)]
public sealed class ScannerJourneyTests(BrowserFixture browser, DovecotFixture dovecot) : IAsyncLifetime
{
    private const string AdminPassword = "Admin-password-1";
    private const string UserPassword = "User-password-1";
    private const string ServerName = "Company IMAP";
    private const string NewSender = "nowy.klient@stranger.example";

    private readonly PrivateMailAppFactory _app = new();
    private readonly string _folder = "Seed-" + Guid.NewGuid().ToString("N")[..8];
    private BrowserSession? _adminSession;
    private BrowserSession? _userSession;

    private static bool TakeScreenshots => Environment.GetEnvironmentVariable("PM_SCREENSHOTS") == "1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_userSession is not null)
        {
            await _userSession.DisposeAsync();
        }

        if (_adminSession is not null)
        {
            await _adminSession.DisposeAsync();
        }

        await _app.DisposeAsync();
    }

    [Fact]
    public async Task A_user_scans_their_mailbox_sees_mail_bound_to_a_contact_a_ticket_for_a_new_sender_and_a_reply_answering_it()
    {
        var mailUser = dovecot.Bob;
        await _app.CreateUserAsync("admin", AdminPassword, administrator: true);
        var jan = await _app.CreateUserAsync("jan", UserPassword, administrator: false);
        var contactId = await new RecordFactory(_app.Services).ContactAsync(jan.Id, "Anna", "Nowak", "anna.nowak@customer.example");
        await AppendAsync("Anna Nowak <anna.nowak@customer.example>", "Pytanie o fakturę 03/2026", "invoice-1@customer.example");
        await AppendAsync($"Nowy Klient <{NewSender}>", "Potrzebuję pomocy z drukarką", "help-1@stranger.example");

        _adminSession = await browser.NewSessionAsync(_app.BaseAddress);
        var admin = await _adminSession.NewPageAsync();
        await SignInAsync(admin, "admin", AdminPassword);
        await EnableMyMailAsync(admin);
        await AddServerAsync(admin, dovecot, mailUser, ServerName);

        _userSession = await browser.NewSessionAsync(_app.BaseAddress);
        var settings = await _userSession.NewPageAsync();
        await SignInAsync(settings, "jan", UserPassword);

        // A second tab shows the contact, left open while the scan runs.
        var contact = await _userSession.NewPageAsync();
        await contact.GotoAsync($"/contacts/{contactId}");
        await contact.WaitForBlazorAsync();
        await Expect(contact.Locator("#related-emails-empty")).ToBeVisibleAsync();

        await ConfigureMailboxAsync(settings, mailUser);

        // Before the first scan, the preview says what it will do: two tickets, nothing written yet.
        await settings.Locator("#preview-run").ClickAsync();
        await Expect(settings.Locator("#preview-table tbody tr")).ToHaveCountAsync(2, new() { Timeout = 30_000 });
        await Expect(settings.Locator("#preview-totals")).ToHaveAttributeAsync("data-create", "2");
        await Expect(settings.Locator("#scan-history-empty")).ToBeVisibleAsync();
        if (TakeScreenshots)
        {
            await settings.Locator("#preview-table tbody tr details summary").First.ClickAsync();
            await settings.Locator("#mailbox-section-preview").ScreenshotAsync(new LocatorScreenshotOptions { Path = "/tmp/journey-scan-preview.png" });
        }

        // The rule tester takes a previewed message and explains what the rules do with it, before anything is saved.
        await settings.Locator("#preview-table tbody tr").Filter(new() { HasText = "Potrzebuję pomocy z drukarką" }).Locator(".preview-test").ClickAsync();
        await Expect(settings.Locator("#rule-tester-message")).ToContainTextAsync("Potrzebuję pomocy z drukarką");
        await Expect(settings.Locator("#rule-tester-result")).ToHaveAttributeAsync("data-skipped", "false");
        await Expect(settings.Locator("#rule-tester-reasons li").First).ToBeVisibleAsync();
        if (TakeScreenshots)
        {
            await settings.Locator("#rule-tester").ScreenshotAsync(new LocatorScreenshotOptions { Path = "/tmp/journey-rule-tester.png" });
        }

        await ScanNowAsync(settings, expectedRuns: 1);
        await Expect(settings.Locator("#scan-history tbody tr").First).ToContainTextAsync("2 / 2");
        await Expect(settings.Locator("#scan-history tbody tr").First.Locator("td").Nth(3)).ToHaveTextAsync("0 / 2");

        // Live: the open contact page shows the bound e-mail and the ticket opened for it.
        await Expect(contact.Locator("#related-emails [data-email-id]")).ToHaveCountAsync(1);
        await Expect(contact.Locator("#related-emails")).ToContainTextAsync("Pytanie o fakturę 03/2026");
        await Expect(contact.Locator("#related-tickets")).ToContainTextAsync("Pytanie o fakturę 03/2026");
        if (TakeScreenshots)
        {
            await contact.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/journey-scan-contact.png", FullPage = true });
        }

        // The new sender got a ticket; the agent answers it and waits for the customer.
        var ticket = contact;
        await ticket.GotoAsync("/tickets");
        await ticket.WaitForBlazorAsync();
        var row = ticket.Locator("#tickets-grid tbody tr").Filter(new() { HasText = "Potrzebuję pomocy z drukarką" });
        await Expect(row).ToHaveCountAsync(1);
        await row.ClickAsync();
        await Expect(ticket).ToHaveURLAsync(new Regex(@"/tickets/\d+$"));
        await ticket.WaitForBlazorAsync();
        // No contact has the address: the ticket carries the sender's message as its conversation.
        await Expect(ticket.Locator(".pm-conversation [data-email-id]")).ToHaveCountAsync(1);
        await Expect(ticket.Locator(".pm-conversation")).ToContainTextAsync("Nowy Klient");
        var number = (await ticket.Locator("#ticket-number").TextContentAsync())!.Trim();
        Assert.Matches(new Regex(@"^T\d+$"), number);
        await ticket.Locator("#ticket-status").ClickAsync();
        await ticket.Locator(".mud-popover-open .mud-menu-item").Filter(new() { HasText = "Waiting for response" }).ClickAsync();
        await Expect(ticket.Locator("#ticket-status")).ToContainTextAsync("Waiting for response");

        // The customer replies with the ticket number in the subject; Scan now in the other tab answers the ticket.
        await AppendAsync($"Nowy Klient <{NewSender}>", $"Re: [{number}] Potrzebuję pomocy z drukarką", "help-2@stranger.example", inReplyTo: "help-1@stranger.example");
        await ScanNowAsync(settings, expectedRuns: 2);
        await Expect(settings.Locator("#scan-history tbody tr").First.Locator("td").Nth(3)).ToHaveTextAsync("1 / 0");

        await Expect(ticket.Locator("#ticket-status")).ToContainTextAsync("Answered");
        await Expect(ticket.Locator(".pm-conversation [data-email-id]")).ToHaveCountAsync(2);
        await Expect(ticket.Locator(".pm-conversation")).ToContainTextAsync($"Re: [{number}]");
        if (TakeScreenshots)
        {
            await ticket.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/journey-scan-ticket.png", FullPage = true });
            await settings.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/journey-scan-mailbox.png", FullPage = true });
        }

        // The administrator sees the mailbox, its two runs (started by the user) and can scan it too.
        await admin.GotoAsync("/admin/scan-history");
        await admin.WaitForBlazorAsync();
        await Expect(admin.Locator("#scan-mailboxes tbody tr")).ToHaveCountAsync(1);
        await Expect(admin.Locator("#scan-mailboxes tbody tr")).ToContainTextAsync("Support");
        await Expect(admin.Locator("#scan-history-admin tbody tr")).ToHaveCountAsync(2);
        await Expect(admin.Locator("#failed-messages-admin-empty")).ToBeVisibleAsync();
        await admin.Locator("#scan-mailboxes [id^=scan-now-]").ClickAsync();
        await Expect(admin.Locator("#scan-history-admin tbody tr")).ToHaveCountAsync(3, new() { Timeout = 30_000 });
        await Expect(admin.Locator("#scan-history-admin tbody tr").First).ToHaveAttributeAsync("data-status", "Done", new() { Timeout = 30_000 });
        if (TakeScreenshots)
        {
            await admin.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/journey-scan-admin.png", FullPage = true });
        }

        // Mail tools → Scanner settings: the schedule and limits an administrator can change without a restart.
        await admin.GotoAsync("/admin/scanner-settings");
        await admin.WaitForBlazorAsync();
        await Expect(admin.Locator("#scanner-settings")).ToBeVisibleAsync();
        await Expect(admin.Locator("#scanner-settings-source")).ToBeVisibleAsync();
        if (TakeScreenshots)
        {
            await admin.ScreenshotAsync(new PageScreenshotOptions { Path = "/tmp/journey-scanner-settings.png", FullPage = true });
        }

        await Expect(settings.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        await Expect(ticket.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        var errors = _adminSession.Errors.Concat(_userSession.Errors).ToList();
        Assert.True(errors.Count == 0, "The browser reported errors:\n" + string.Join("\n", errors));
    }

    private async Task AppendAsync(string from, string subject, string messageId, string? inReplyTo = null)
    {
        var message = new MimeMessage { Subject = subject, MessageId = messageId, Date = DateTimeOffset.Now };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(dovecot.Bob.Address);
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
            message.References.Add(inReplyTo);
        }

        message.Body = new TextPart("plain") { Text = "Dzień dobry,\nproszę o kontakt.\n" };
        await dovecot.AppendAsync(dovecot.Bob, _folder, message, Ct);
    }

    private async Task ConfigureMailboxAsync(IPage page, DovecotUser mailUser)
    {
        await page.GotoAsync("/my-settings/mailbox");
        await page.WaitForBlazorAsync();
        await Expect(page.Locator("#mailbox-form")).ToBeVisibleAsync();
        await page.Locator("#mailbox-name").FillAsync("Support");
        await PickAsync(page, "mailbox-server", ServerName);
        await page.Locator("#mailbox-login").FillAsync(mailUser.Login);
        await page.Locator("#mailbox-password").FillAsync(mailUser.Password);

        // Only the test's own folder: the journey's mail lives there.
        await page.Locator("#mailbox-load-folders").ClickAsync();
        await Expect(page.Locator("#mailbox-folders")).ToHaveAttributeAsync("data-state", "Loaded", new() { Timeout = 30_000 });
        await FolderCheckBox(page, "INBOX").ClickAsync();
        await FolderCheckBox(page, _folder).ClickAsync();
        await Expect(FolderCheckBox(page, "INBOX")).Not.ToBeCheckedAsync();
        await Expect(FolderCheckBox(page, _folder)).ToBeCheckedAsync();

        foreach (var action in new[] { ScannerActions.OpenTicket, ScannerActions.CreateTicket })
        {
            await ActionCheckBox(page, action).ClickAsync();
        }

        foreach (var action in ScannerActionRules.InOrder)
        {
            await Expect(ActionCheckBox(page, action)).ToBeCheckedAsync();
        }

        await page.Locator("#mailbox-save").ClickAsync();
        await Expect(page.GetByText("Mailbox saved.")).ToBeVisibleAsync();
    }

    private static async Task ScanNowAsync(IPage page, int expectedRuns)
    {
        await page.Locator("#scan-now").ClickAsync();
        var runs = page.Locator("#scan-history tbody tr");
        await Expect(runs).ToHaveCountAsync(expectedRuns, new() { Timeout = 30_000 });
        await Expect(runs.First).ToHaveAttributeAsync("data-status", "Done", new() { Timeout = 30_000 });
        await Expect(page.Locator("#scan-now")).ToBeVisibleAsync();
    }

    private static ILocator FolderCheckBox(IPage page, string fullName) =>
        page.Locator($"#mailbox-folders .pm-folder[data-folder='{fullName}'] input[type=checkbox]");

    private static ILocator ActionCheckBox(IPage page, ScannerActions action) =>
        page.Locator($"input#mailbox-action-{action}, #mailbox-action-{action} input[type=checkbox]");
}
