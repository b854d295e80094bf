using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Tickets;

namespace PrivateMail.Tests.Web.Features.Records.Tickets;

/// <summary>Tickets as a user works with them: the list, the conversation, the form, status changes, deleting.</summary>
public sealed class TicketPagesTests : RecordsTestContext
{
    private static IReadOnlyList<string> Numbers(IRenderedComponent<WithDialogs> page) =>
        page.FindAll("#tickets-grid tbody tr td:first-child").Select(td => td.TextContent.Trim()).ToList();

    private NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    [Fact]
    public async Task The_list_starts_with_open_tickets_newest_first_and_shows_closed_ones_on_request()
    {
        await Make.TicketAsync(Olga, "Printer jammed");
        await Make.TicketAsync(Olga, "Old invoice", TicketStatuses.Closed);
        await Make.TicketAsync(Olga, "VPN drops", TicketStatuses.WaitingForResponse);

        var page = Render<WithDialogs>(p => p.AddChildContent<TicketsPage>());

        page.WaitForAssertion(() => Assert.Equal(["T3", "T1"], Numbers(page)));
        Assert.Contains("Waiting for response", page.Find("#tickets-grid tbody tr").TextContent);

        page.FindAll("#tickets-scope button").Single(b => b.TextContent.Trim() == "All").Click();
        page.WaitForAssertion(() => Assert.Equal(["T3", "T2", "T1"], Numbers(page)));

        page.Find("#tickets-grid-search").Input("t2");
        page.WaitForAssertion(() => Assert.Equal(["T2"], Numbers(page)), Waits.Background);
    }

    [Fact]
    public async Task The_ticket_page_shows_the_conversation_oldest_first_with_each_senders_time()
    {
        var contact = await Make.ContactAsync(Olga, "Jan", "Kowalski", "jan@firma.example");
        var ticket = await Make.TicketAsync(Olga, "Printer jammed", contactId: contact);
        var reply = await Make.EmailAsync(Olga, "Re: [T1] Printer jammed", date: new DateTimeOffset(2026, 3, 4, 11, 0, 0, TimeSpan.FromHours(1)),
            text: "We are on it.", from: "Olga <olga@example.test>", type: MailType.Sent);
        var question = await Make.EmailAsync(Olga, "Printer jammed", date: new DateTimeOffset(2026, 3, 4, 3, 30, 0, TimeSpan.FromHours(-5)), text: "It shows 13.B2.");
        var followUp = await Make.EmailAsync(Olga, "Re: [T1] Printer jammed", date: new DateTimeOffset(2026, 3, 5, 9, 0, 0, TimeSpan.FromHours(1)), text: "Works now, thanks.");
        foreach (var email in new[] { reply, question, followUp })
        {
            await Make.LinkAsync(email, RecordKind.Ticket, ticket.Id);
        }

        var page = Render<WithDialogs>(p => p.AddChildContent<TicketDetailPage>(c => c.Add(x => x.Id, ticket.Id)));

        page.WaitForAssertion(() => Assert.Equal("T1 · Printer jammed", page.Find("#record-title").TextContent));
        Assert.Equal("Jan Kowalski", page.Find("#ticket-contact a").TextContent);
        page.WaitForAssertion(() => Assert.Equal(
            [question.ToString(), reply.ToString(), followUp.ToString()],
            page.FindAll(".pm-conversation [data-email-id]").Select(e => e.GetAttribute("data-email-id"))));
        var first = page.Find($".pm-conversation [data-email-id='{question}']");
        Assert.Contains("It shows 13.B2.", first.TextContent);
        // 03:30 in New York is before 11:00 in Warsaw: ordered by the moment, shown in the sender's own time.
        Assert.Contains("2026-03-04 03:30 (UTC-05:00)", first.TextContent);
        Assert.Contains("pm-message-sent", page.Find($".pm-conversation [data-email-id='{reply}']").ClassName);
        Assert.Contains("[T1]", page.Find("#ticket-reply-hint").TextContent);
    }

    [Fact]
    public async Task The_status_is_changed_from_the_ticket_page()
    {
        var ticket = await Make.TicketAsync(Olga, "Printer jammed", TicketStatuses.WaitingForResponse);
        var page = Render<WithDialogs>(p => p.AddChildContent<TicketDetailPage>(c => c.Add(x => x.Id, ticket.Id)));
        page.WaitForElement("#ticket-status");

        page.Find("#ticket-status button").Click();
        page.WaitForAssertion(() => page.FindAll(".mud-menu-item").Single(i => i.TextContent.Trim() == "Resolved").Click());

        page.WaitForAssertion(() => Assert.Equal("Resolved", page.Find("#ticket-status button").TextContent.Trim()));
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal(TicketStatuses.Resolved, await db.Tickets.Select(t => t.Status!.Name).SingleAsync());
    }

    [Fact]
    public async Task A_new_ticket_from_a_contact_gets_the_next_number_the_new_ticket_status_and_the_contacts_account()
    {
        await Make.TicketAsync(Olga, "Earlier ticket");
        var account = await Make.AccountAsync(Olga, "Drukarnia Nowak");
        var contact = await Make.ContactAsync(Olga, "Jan", "Kowalski", "jan@drukarnia.example", account);
        Navigation.NavigateTo($"tickets/new?contact={contact}");
        var page = Render<WithPopovers>(p => p.AddChildContent<TicketEditPage>());
        page.WaitForElement("#ticket-form");

        page.Find("#edit-title").Input("Toner empty");
        page.Find("#edit-description").Input("Second floor printer.");
        await page.Find("#ticket-form").SubmitAsync();

        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var ticket = await db.Tickets.Include(t => t.Status).SingleAsync(t => t.Title == "Toner empty");
        Assert.Equal(("T2", TicketStatuses.Open, contact, account, Olga), (ticket.Number, ticket.Status!.Name, ticket.ContactId, ticket.AccountId, ticket.OwnerId));
        Assert.Equal("Second floor printer.", ticket.Description);
        Assert.EndsWith($"/tickets/{ticket.Id}", Navigation.Uri);
    }

    [Fact]
    public async Task A_ticket_without_a_title_is_refused_on_the_field_and_the_description_stays()
    {
        var page = Render<WithPopovers>(p => p.AddChildContent<TicketEditPage>());
        page.WaitForElement("#ticket-form");

        page.Find("#edit-description").Input("A long description I do not want to type again.");
        await page.Find("#ticket-form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("Title is required.", page.Markup));
        Assert.Equal("A long description I do not want to type again.", page.Find("#edit-description").TextContent);
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Tickets.AnyAsync());
    }

    [Fact]
    public async Task Ticket_validation_speaks_polish_to_a_polish_user()
    {
        UseCulture("pl");
        var page = Render<WithPopovers>(p => p.AddChildContent<TicketEditPage>());
        page.WaitForElement("#ticket-form");

        await page.Find("#ticket-form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("Tytuł: pole wymagane.", page.Markup));
    }

    [Fact]
    public async Task Deleting_a_ticket_asks_first_then_removes_it_and_its_links()
    {
        var ticket = await Make.TicketAsync(Olga, "Printer jammed");
        var email = await Make.EmailAsync(Olga, "Printer jammed");
        await Make.LinkAsync(email, RecordKind.Ticket, ticket.Id);
        var page = Render<WithDialogs>(p => p.AddChildContent<TicketDetailPage>(c => c.Add(x => x.Id, ticket.Id)));
        page.WaitForElement("#ticket-delete");

        page.Find("#ticket-delete").Click();
        page.WaitForAssertion(() => Assert.Contains("Delete ticket T1 “Printer jammed”?", page.Find(".mud-dialog").TextContent));
        page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Delete").Click();

        page.WaitForAssertion(() => Assert.EndsWith("/tickets", Navigation.Uri));
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Tickets.AnyAsync());
        Assert.False(await db.EmailLinks.AnyAsync());
        Assert.True(await db.Emails.AnyAsync(e => e.Id == email));
    }

    [Fact]
    public async Task An_open_ticket_page_and_list_follow_what_the_scanner_did_without_a_reload()
    {
        var contact = await Make.ContactAsync(Olga, "Jan", "Kowalski", "jan@firma.example");
        var ticket = await Make.TicketAsync(Olga, "Printer jammed", TicketStatuses.WaitingForResponse, contact);
        // One page shows the ticket, the other the list (one render: MudBlazor's providers exist once per page).
        var detail = Render<WithDialogs>(p => p.AddChildContent<TicketDetailPage>(c => c.Add(x => x.Id, ticket.Id)).AddChildContent<TicketsPage>());
        var list = detail;
        detail.WaitForAssertion(() => Assert.Contains("Waiting for response", detail.Find("#ticket-status").TextContent));
        detail.WaitForAssertion(() => Assert.NotNull(detail.Find("#related-emails-empty")));
        list.WaitForAssertion(() => Assert.Equal(["T1"], Numbers(list)));

        // What a scan does: a reply stored and bound to the ticket, the ticket answered, a new ticket created.
        var reply = await Make.EmailAsync(Olga, "Re: [T1] Printer jammed", text: "Works now.");
        await Make.LinkAsync(reply, RecordKind.Ticket, ticket.Id);
        await using (var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            var answered = await db.TicketStatuses.Where(s => s.Name == TicketStatuses.Answered).Select(s => s.Id).SingleAsync();
            await Services.GetRequiredService<TicketStore>().SetStatusAsync(db, ticket.Id, answered);
        }

        await Make.TicketAsync(Olga, "New question");
        var id = ticket.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Services.GetRequiredService<RecordChangeNotifier>().Publish(
            [new RecordChange(RecordChangeKind.Email, reply.ToString(System.Globalization.CultureInfo.InvariantCulture)), new RecordChange(RecordKind.Ticket, id), new RecordChange(RecordKind.Ticket, "2")]);

        detail.WaitForAssertion(() => Assert.Contains("Answered", detail.Find("#ticket-status").TextContent), Waits.Background);
        detail.WaitForAssertion(() => Assert.Single(detail.FindAll(".pm-conversation [data-email-id]")), Waits.Background);
        list.WaitForAssertion(() => Assert.Equal(["T2", "T1"], Numbers(list)), Waits.Background);
    }
}
