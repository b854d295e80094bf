using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Tests.Web.Features.Mailboxes;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner;
using PrivateMail.Web.Features.Scanner.Preview;

namespace PrivateMail.Tests.Web.Features.Scanner;

/// <summary>
/// The rule tester on the real Mailbox tab: a pasted message is decided with the form's unsaved values, and every
/// change of the form (an action, an exception) decides it again without any button — nothing is written.
/// </summary>
public sealed class RuleTesterTests : MailboxTestContext
{
    private const string Message =
        "From: Jan Kowalski <jan@x.pl>\nTo: jan.owner@example.test\nSubject: Invoice question\nDate: Mon, 2 Nov 2026 10:00:00 +0000\n" +
        "Message-ID: <q1@x.pl>\n\nHello, a question about the invoice.\n";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = new CultureInfo("en");
    }

    private async Task<IRenderedComponent<WithPopovers>> TabWithPastedAsync(string raw)
    {
        await AddServerAsync("Company mail");
        var page = RenderMailboxTab();
        page.WaitForElement("#mailbox-form");
        page.Find("#rule-tester-raw").Change(raw);
        await page.Find("#rule-tester-load").ClickAsync(new MouseEventArgs());
        return page;
    }

    private static string Decision(IRenderedComponent<WithPopovers> page) => page.Find("#rule-tester-decision").TextContent;

    private static List<string> Reasons(IRenderedComponent<WithPopovers> page) =>
        page.FindAll("#rule-tester-reasons li").Select(li => li.TextContent).ToList();

    [Fact]
    public async Task A_pasted_message_shows_the_decision_and_each_reason_with_the_matched_contact()
    {
        await new RecordFactory(Services).ContactAsync(JanId, "Jan", "Kowalski", "jan@x.pl");

        var page = await TabWithPastedAsync(Message);

        page.WaitForAssertion(() => Assert.Equal("Would store · would bind to Jan Kowalski", Decision(page)));
        Assert.Contains("“Invoice question” from jan@x.pl", page.Find("#rule-tester-message").TextContent);
        Assert.Contains("jan@x.pl matches contact Jan Kowalski by Contacts – E-mail", Reasons(page));
        Assert.Equal("false", page.Find("#rule-tester-result").GetAttribute("data-skipped"));
    }

    [Fact]
    public async Task Ticking_an_action_and_adding_an_exception_change_the_decision_at_once_and_nothing_is_written()
    {
        var page = await TabWithPastedAsync(Message);
        page.WaitForAssertion(() => Assert.Equal("Would store", Decision(page)));

        page.Find("#mailbox-action-CreateTicket").Change(true);
        page.WaitForAssertion(() => Assert.Equal("Would store · would create a ticket", Decision(page)));
        Assert.Contains("Creates a ticket “Invoice question”", Reasons(page));

        page.Find("#mailbox-action-CreateEmail").Change(false);
        page.WaitForAssertion(() => Assert.Equal("Would store nothing · would create a ticket", Decision(page)));

        page.Find("#mailbox-action-CreateEmail").Change(true);
        page.Find("#mailbox-domain-exception-input").Input("x.pl");
        page.Find("#mailbox-domain-exception-input").KeyDown(Key.Enter);
        page.WaitForAssertion(() => Assert.Equal("Would skip: exception x.pl", Decision(page)));
        Assert.Equal("true", page.Find("#rule-tester-result").GetAttribute("data-skipped"));
        Assert.Contains("Skipped: sender jan@x.pl is an exception (x.pl)", Reasons(page));

        await using var db = await CreateDbAsync();
        Assert.Equal((0, 0, 0), (await db.Emails.CountAsync(), await db.Tickets.CountAsync(), await db.Mailboxes.CountAsync()));
    }

    [Fact]
    public async Task Malformed_text_shows_a_clear_error_and_keeps_what_was_pasted()
    {
        const string text = "Hello, this is just a sentence and no e-mail at all.";

        var page = await TabWithPastedAsync(text);

        page.WaitForAssertion(() => Assert.Contains("This is not an e-mail message", page.Find("#rule-tester-error").TextContent));
        Assert.Equal(text, page.Find("#rule-tester-raw").GetAttribute("value") ?? page.Find("#rule-tester-raw").TextContent);
        Assert.Empty(page.FindAll("#rule-tester-result"));
    }

    [Fact]
    public async Task Too_long_a_paste_is_refused_with_the_limit_and_kept()
    {
        var text = Message + new string('x', PrivateMail.Web.Mail.RawMessageParser.MaxChars);

        var page = await TabWithPastedAsync(text);

        page.WaitForAssertion(() => Assert.Contains("too long to test: at most 1,000,000 characters", page.Find("#rule-tester-error").TextContent));
        Assert.Equal(text.Length, (page.Find("#rule-tester-raw").GetAttribute("value") ?? page.Find("#rule-tester-raw").TextContent).Length);
    }

    [Fact]
    public async Task The_tester_answers_with_the_signed_in_users_records_only()
    {
        var other = await CreateUserAsync("ewa");
        await new RecordFactory(Services).ContactAsync(other, "Ewa", "Obca", "jan@x.pl");
        var tester = Services.GetRequiredService<RuleTesterService>();

        var message = await tester.LoadAsync(RuleTesterService.Parse(Message)!, Xunit.TestContext.Current.CancellationToken);
        var decision = RuleTesterService.Decide(message, new PrivateMail.Web.Features.Mailboxes.MailboxModel());

        Assert.Empty(decision.Bindings);
        Assert.Contains(decision.Reasons, r => r.Code == DecisionReasonCode.NothingMatched);
    }

    [Fact]
    public async Task A_preview_row_opens_in_the_tester()
    {
        var snapshot = RuleTesterService.Parse(Message)!;
        var decision = new ScanDecision { Store = true };
        var result = new PreviewResult([new PreviewRow("INBOX", 7, null, "jan@x.pl", "Invoice question", ScanOutcomeKind.Stored, decision, null) { Snapshot = snapshot }], null, false);
        PreviewRow? picked = null;

        var table = Render<PreviewTable>(p => p.Add(x => x.Result, result).Add(x => x.OnTest, (PreviewRow r) => picked = r));
        var button = table.Find("#preview-table .preview-test");
        Assert.Equal("Test rules on “Invoice question”", button.GetAttribute("aria-label"));
        await button.ClickAsync(new MouseEventArgs());

        Assert.Same(snapshot, picked?.Snapshot);
    }
}
