using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Data;

namespace PrivateMail.Tests.Web.Features.Scanner;

/// <summary>Scan now on the Mailbox tab against the real Dovecot: the run shows up in the history with its counters.</summary>
[Collection(DovecotCollection.Name)]
public sealed class ScanPanelTests(DovecotFixture dovecot) : MailboxTestContext
{
    private static readonly TimeSpan ImapBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Without_a_saved_mailbox_the_panel_says_to_save_first()
    {
        await AddServerAsync("Company mail");
        var page = RenderMailboxTab();

        page.WaitForAssertion(() => Assert.Contains("Save the mailbox first", page.Find("#scan-no-mailbox").TextContent));
        Assert.Empty(page.FindAll("#scan-now"));
        page.Find("#mailbox-login").Input("jan");
        page.Find("#mailbox-password").Input("pa55word");

        await page.Find("#mailbox-save").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#scan-now")));
    }

    [Fact]
    public async Task Scan_now_stores_the_new_mail_and_the_run_appears_in_the_history()
    {
        var folder = "Panel-" + Guid.NewGuid().ToString("N")[..8];
        await dovecot.AppendAsync(dovecot.Bob, folder, new MimeMessage(
            [new MailboxAddress("Anna", "anna@somewhere.example")], [dovecot.Bob.Address], "From the panel", new TextPart("plain") { Text = "x" }));
        var serverId = await AddServerAsync("Dovecot", dovecot.Host, dovecot.ImapPort, MailSecurity.None);
        var model = await ValidModelAsync(serverId, dovecot.Bob.Password);
        model.Login = dovecot.Bob.Login;
        model.Folders = [folder];
        model.Actions = ScannerActions.CreateEmail | ScannerActions.BindEmail;
        await SaveOrFailAsync(model);
        var page = RenderMailboxTab();
        page.WaitForAssertion(() => Assert.Contains("No scans yet", page.Find("#scan-history-empty").TextContent));

        await page.Find("#scan-now").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() =>
        {
            var row = page.Find("#scan-history tbody tr");
            Assert.Equal(nameof(ScanRunStatus.Done), row.GetAttribute("data-status"));
            Assert.Contains("1 / 1 / 0", row.TextContent);
            Assert.NotEmpty(page.FindAll("#scan-now"));
        }, ImapBound);
        await using var db = await CreateDbAsync();
        Assert.Equal("From the panel", (await db.Emails.SingleAsync()).Subject);
        Assert.Equal(JanId, (await db.ScanRuns.SingleAsync()).StartedById);
    }
    [Fact]
    public async Task Mail_held_back_by_the_ticket_cap_shows_a_notice_naming_the_sender_after_the_scan()
    {
        var folder = "Cap-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 1; i <= 7; i++)
        {
            await dovecot.AppendAsync(dovecot.Bob, folder, new MimeMessage(
                [new MailboxAddress("Loop", "loop@robot.example")], [dovecot.Bob.Address], $"Alert {i}", new TextPart("plain") { Text = $"alert number {i}" }));
        }

        var serverId = await AddServerAsync("Dovecot", dovecot.Host, dovecot.ImapPort, MailSecurity.None);
        var model = await ValidModelAsync(serverId, dovecot.Bob.Password);
        model.Login = dovecot.Bob.Login;
        model.Folders = [folder];
        model.Actions = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.CreateTicket;
        await SaveOrFailAsync(model);
        var page = RenderMailboxTab();
        page.WaitForElement("#scan-now");
        Assert.Empty(page.FindAll("#scan-ticket-cap"));

        await page.Find("#scan-now").ClickAsync(new MouseEventArgs());

        // The default cap is 5 tickets per sender and hour: two of the seven e-mails are stored without one.
        page.WaitForAssertion(() =>
        {
            var sender = page.Find("#scan-ticket-cap li[data-sender='loop@robot.example']");
            Assert.Contains("2 e-mails stored without a ticket (cap: 5 tickets per hour)", sender.TextContent);
        }, ImapBound);
        await using var db = await CreateDbAsync();
        Assert.Equal(7, await db.Emails.CountAsync());
        Assert.Equal(5, await db.Tickets.CountAsync());
    }

    [Fact]
    public async Task A_scan_with_a_wrong_password_shows_the_lock_with_the_error_without_a_reload()
    {
        var serverId = await AddServerAsync("Dovecot", dovecot.Host, dovecot.ImapPort, MailSecurity.None);
        var model = await ValidModelAsync(serverId, "wrong-password");
        model.Login = dovecot.Bob.Login;
        await SaveOrFailAsync(model);
        var page = RenderMailboxTab();
        page.WaitForElement("#scan-now");
        Assert.Empty(page.FindAll("#mailbox-locked"));

        await page.Find("#scan-now").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() =>
        {
            Assert.Equal(nameof(ScanRunStatus.Error), page.Find("#scan-history tbody tr").GetAttribute("data-status"));
            Assert.NotEmpty(page.FindAll("#mailbox-locked"));
        }, ImapBound);
        var stored = await LoadMailboxAsync(JanId);
        Assert.Equal(MailboxStatus.Locked, stored!.Status);
        Assert.Contains(stored.LastError!, page.Find("#mailbox-locked").TextContent);
    }
}
