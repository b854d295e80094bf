using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.Faults;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Features.Records.Emails;

namespace PrivateMail.Tests.Web.Features.Records.Emails;

/// <summary>
/// E-mail HTML is stored as received and sanitised when read. Every way stored mail reaches a page — the e-mail
/// service (the e-mail page's only source of HTML), the e-mail page's frame, a ticket's conversation and the list
/// preview — is walked here over each hostile vector stored HTML-only, so nothing executable gets out of the store.
/// </summary>
public sealed class StoredHtmlReadPathTests : RecordsTestContext
{
    [Fact]
    public async Task Hostile_html_stored_as_received_never_reaches_a_page_unsanitised()
    {
        var ticket = await Make.TicketAsync(Olga, "Hostile mail");
        var ids = new List<int>();
        foreach (var vector in HostileMail.XssVectors)
        {
            var id = await Make.EmailAsync(Olga, "xss", html: "<html><body>" + vector + "<p>safe text</p></body></html>", text: null!);
            await Make.LinkAsync(id, RecordKind.Ticket, ticket.Id);
            ids.Add(id);
        }

        // Not vacuous: the store kept the vectors as they came (the scanner no longer sanitises when storing).
        await using (var db = await DbAsync())
        {
            var stored = await db.Emails.AsNoTracking().Where(e => ids.Contains(e.Id)).Select(e => e.HtmlBody).ToListAsync();
            Assert.Contains(stored, html => html!.Contains("<script", StringComparison.OrdinalIgnoreCase));
        }

        var emails = Services.GetRequiredService<EmailService>();
        foreach (var id in ids)
        {
            var read = await emails.GetAsync(id);
            Assert.NotNull(read?.HtmlBody);
            HostileMailTests.AssertInert(read.HtmlBody, $"the service's HTML of e-mail {id}");
        }

        // The e-mail page, for a script element, an event handler and a script URL (each vector's page would be 38 renders).
        foreach (var id in new[] { ids[0], ids[3], ids[6] })
        {
            var page = Render<WithDialogs>(p => p.AddChildContent<EmailDetailPage>(c => c.Add(x => x.Id, id)));
            page.WaitForElement("#email-html");
            HostileMailTests.AssertInert(page.Find("#email-html").GetAttribute("srcdoc")!, $"the page's frame of e-mail {id}", wholeDocument: true);
            Assert.Empty(page.FindAll("script"));
            await DisposeComponentsAsync();
        }

        // A ticket's conversation shows each message's preview: plain text derived from the HTML, rendered as text.
        var conversation = Render<PrivateMail.Web.Features.Records.Shared.RelatedEmails>(c => c
            .Add(x => x.Kind, RecordKind.Ticket).Add(x => x.RecordId, ticket.Id).Add(x => x.Conversation, true));
        conversation.WaitForAssertion(() => Assert.Contains("safe text", conversation.Find("#related-emails").TextContent, StringComparison.Ordinal), Waits.Background);
        HostileMailTests.AssertInert(conversation.Markup, "the ticket's conversation");
    }
}
