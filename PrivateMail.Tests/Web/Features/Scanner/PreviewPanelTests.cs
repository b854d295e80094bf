using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Scanner.Preview;

namespace PrivateMail.Tests.Web.Features.Scanner;

/// <summary>The preview panel with the form's unsaved values against a real Dovecot, and the table's wording.</summary>
[Collection(DovecotCollection.Name)]
public sealed class PreviewPanelTests(DovecotFixture dovecot) : MailboxTestContext
{
    private static readonly TimeSpan ImapBound = TimeSpan.FromSeconds(20);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("en");
    }

    [Fact]
    public async Task Preview_with_unsaved_values_shows_each_message_with_its_decision_and_the_totals_and_stores_nothing()
    {
        var folder = "Preview-" + Guid.NewGuid().ToString("N")[..8];
        foreach (var (from, subject) in new[] { ("anna@somewhere.example", "First question"), ("spam@ads.example", "Buy now"), ("anna@somewhere.example", "Second question") })
        {
            await dovecot.AppendAsync(dovecot.Bob, folder, new MimeMessage([new MailboxAddress("", from)], [dovecot.Bob.Address], subject, new TextPart("plain") { Text = subject }));
        }

        var serverId = await AddServerAsync("Dovecot", dovecot.Host, dovecot.ImapPort, MailSecurity.None);
        var model = await ValidModelAsync(serverId, dovecot.Bob.Password);
        model.Login = dovecot.Bob.Login;
        model.Folders = [folder];
        model.Actions = ScannerActions.CreateEmail | ScannerActions.BindEmail | ScannerActions.CreateTicket;
        model.DomainExceptions = ["ads.example"];
        var panel = Render<PreviewPanel>(p => p.Add(x => x.Model, model));
        Assert.Equal("50", panel.Find("#preview-count").GetAttribute("value"));

        await panel.Find("#preview-run").ClickAsync(new MouseEventArgs());

        panel.WaitForAssertion(() => Assert.Equal(3, panel.FindAll("#preview-table tbody tr").Count), ImapBound);
        var rows = panel.FindAll("#preview-table tbody tr");
        Assert.Contains("Would store · would create a ticket (T1)", rows[0].TextContent);
        Assert.Equal(nameof(ScanOutcomeKind.Skipped), rows[1].GetAttribute("data-outcome"));
        Assert.Contains("Would skip: exception ads.example", rows[1].TextContent);
        Assert.Contains("would create a ticket (T2)", rows[2].TextContent);
        Assert.Equal("2", panel.Find("#preview-totals").GetAttribute("data-create"));
        Assert.Contains("3 messages: 2 would be stored", panel.Find("#preview-totals").TextContent);
        Assert.Contains("Creates a ticket “First question”", rows[0].QuerySelector(".preview-why")!.TextContent);
        await using var db = await CreateDbAsync();
        Assert.Equal((0, 0, 0), (await db.Emails.CountAsync(), await db.Tickets.CountAsync(), await db.Mailboxes.CountAsync()));
    }

    [Fact]
    public async Task The_first_save_hint_counts_the_messages_since_the_start_date_over_the_folders_by_search_only()
    {
        var folder = "Count-" + Guid.NewGuid().ToString("N")[..8];
        var since = DateTime.UtcNow.Date.AddDays(-30);
        for (var i = 0; i < 5; i++)
        {
            var message = new MimeMessage([new MailboxAddress("", "anna@somewhere.example")], [dovecot.Bob.Address], $"Message {i}", new TextPart("plain") { Text = "Hi" });
            await dovecot.AppendAsync(dovecot.Bob, folder, message, Xunit.TestContext.Current.CancellationToken, arrived: i < 3 ? DateTimeOffset.UtcNow.AddDays(-2) : DateTimeOffset.UtcNow.AddDays(-90));
        }

        var serverId = await AddServerAsync("Dovecot", dovecot.Host, dovecot.ImapPort, MailSecurity.None);
        var model = await ValidModelAsync(serverId, dovecot.Bob.Password);
        model.Login = dovecot.Bob.Login;
        model.Folders = [folder, "Missing-" + folder];
        model.ImportSince = since;
        var previews = Services.GetRequiredService<PreviewService>();

        Assert.Equal(3, await previews.CountAsync(model, Xunit.TestContext.Current.CancellationToken));

        model.ImportSince = null;
        Assert.Equal(5, await previews.CountAsync(model, Xunit.TestContext.Current.CancellationToken));

        model.Password = "wrong-password";
        Assert.Null(await previews.CountAsync(model, Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_wrong_password_is_shown_in_the_users_language_and_no_table()
    {
        var serverId = await AddServerAsync("Dovecot", dovecot.Host, dovecot.ImapPort, MailSecurity.None);
        var model = await ValidModelAsync(serverId, "wrong-password");
        model.Login = dovecot.Bob.Login;
        var panel = Render<PreviewPanel>(p => p.Add(x => x.Model, model));

        await panel.Find("#preview-run").ClickAsync(new MouseEventArgs());

        panel.WaitForAssertion(() => Assert.NotEmpty(panel.FindAll("#preview-error")), ImapBound);
        Assert.Empty(panel.FindAll("#preview-table"));
        Assert.NotEmpty(panel.FindAll("#preview-run"));
    }

    [Fact]
    public void The_table_names_the_bound_records_and_the_ticket_effects()
    {
        var decision = new ScanDecision { Store = true, Reasons = [new DecisionReason(DecisionReasonCode.TicketReopened, "T42", "Closed", "Open")] };
        var result = new PreviewResult(
        [
            new PreviewRow("INBOX", 1, null, "jan@x.pl", "Re: [T42]", ScanOutcomeKind.Stored, decision, null)
            {
                Bound = true, BoundTo = ["Jan Kowalski", "T42"], TicketOpened = "T42", TicketReopened = true,
            },
            new PreviewRow("INBOX", 2, null, "", "", ScanOutcomeKind.Quarantined, null, ScanNotes.Encode(ScanNotes.TooLarge, 10, 20)),
            new PreviewRow("INBOX", 3, null, "jan@x.pl", "Again", ScanOutcomeKind.Duplicate, decision, null),
        ], null, false);

        var table = Render<PreviewTable>(p => p.Add(x => x.Result, result));

        var rows = table.FindAll("#preview-table tbody tr");
        Assert.Equal("Would store · would bind to Jan Kowalski, T42 · would reopen T42", rows[0].QuerySelector(".preview-decision")!.TextContent);
        Assert.StartsWith("Would fail: The message", rows[1].QuerySelector(".preview-decision")!.TextContent);
        Assert.Equal("Already stored", rows[2].QuerySelector(".preview-decision")!.TextContent);
        Assert.Contains("Reopens T42: Closed → Open", rows[0].TextContent);
        Assert.Contains("3 messages: 1 would be stored, 1 bound, 0 would create tickets, 0 would answer and 1 reopen tickets, 0 would be skipped, 1 would fail, 1 are stored already.", table.Find("#preview-totals").TextContent);
    }
}
