using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Records.Tickets;

namespace PrivateMail.Tests.Web.Features.Records.Emails;

/// <summary>
/// The "Ambiguous: 3 contacts" flag on the e-mail and ticket pages: the candidates as links, one click binds the e-mail
/// and its ticket to the chosen contact only and the flag is gone; nobody but the owner sees or resolves it.
/// </summary>
public sealed class AmbiguityFlagsTests : RecordsTestContext
{
    private (int Email, int Ticket, int Anna, int Piotr, int Ewa) _mail;

    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>As the scan leaves it under "bind all": linked to all three contacts, the ticket to the oldest, three candidates.</summary>
    private async Task SeedAsync()
    {
        var anna = await Make.ContactAsync(Olga, "Anna", "Nowak", "office@shared.example");
        var piotr = await Make.ContactAsync(Olga, "Piotr", "Zieliński", "office@shared.example");
        var ewa = await Make.ContactAsync(Olga, "Ewa", "Wiśniewska", "office@shared.example");
        var email = await Make.EmailAsync(Olga, "Who am I?", from: "Office <office@shared.example>");
        var ticket = await Make.TicketAsync(Olga, "Who am I?", contactId: anna);
        foreach (var contact in new[] { anna, piotr, ewa })
        {
            await Make.LinkAsync(email, RecordKind.Contact, contact);
        }

        await Make.LinkAsync(email, RecordKind.Ticket, ticket.Id);
        await using var db = await DbAsync();
        db.EmailAmbiguities.AddRange(new[] { (anna, "Anna Nowak"), (piotr, "Piotr Zieliński"), (ewa, "Ewa Wiśniewska") }.Select(c =>
            new EmailAmbiguity { EmailId = email, RecordKind = RecordKind.Contact, RecordId = Key(c.Item1), Value = "office@shared.example", DisplayName = c.Item2 }));
        await db.SaveChangesAsync();
        _mail = (email, ticket.Id, anna, piotr, ewa);
    }

    private async Task AssertResolvedToPiotrAsync()
    {
        await using var db = await DbAsync();
        var contacts = await db.EmailLinks.Where(l => l.EmailId == _mail.Email && l.RecordKind == RecordKind.Contact).Select(l => l.RecordId).ToListAsync();
        Assert.Equal([Key(_mail.Piotr)], contacts);
        Assert.True(await db.EmailLinks.AnyAsync(l => l.EmailId == _mail.Email && l.RecordKind == RecordKind.Ticket && l.RecordId == Key(_mail.Ticket)));
        Assert.Equal(_mail.Piotr, await db.Tickets.Where(t => t.Id == _mail.Ticket).Select(t => t.ContactId).SingleAsync());
        Assert.False(await db.EmailAmbiguities.AnyAsync(a => a.EmailId == _mail.Email));
    }

    [Fact]
    public async Task The_email_page_flags_the_candidates_and_one_click_binds_the_chosen_one_only()
    {
        await SeedAsync();
        var page = Render<WithDialogs>(p => p.AddChildContent<EmailDetailPage>(c => c.Add(x => x.Id, _mail.Email)));
        page.WaitForElement("[data-testid=ambiguity-flag]");

        var flag = page.Find("[data-testid=ambiguity-flag]");
        Assert.Contains("Ambiguous: 3 contacts", flag.TextContent);
        Assert.Contains("office@shared.example matches each of them", flag.TextContent);
        Assert.Equal($"contacts/{_mail.Piotr}", flag.QuerySelectorAll("a").Single(a => a.TextContent.Contains("Piotr Zieliński", StringComparison.Ordinal)).GetAttribute("href"));
        var choose = page.Find($"#ambiguity-choose-{_mail.Email}-Contact-{_mail.Piotr}");
        Assert.Equal("Bind to Piotr Zieliński only", choose.GetAttribute("aria-label"));

        await choose.ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=ambiguity-flag]")));
        await AssertResolvedToPiotrAsync();
        // The page's links show the result without a reload.
        page.WaitForAssertion(() => Assert.DoesNotContain("Anna Nowak", page.Find("#email-links").TextContent));
    }

    [Fact]
    public async Task The_ticket_page_shows_the_flag_of_its_email_and_resolves_it_too()
    {
        await SeedAsync();
        var page = Render<WithDialogs>(p => p.AddChildContent<TicketDetailPage>(c => c.Add(x => x.Id, _mail.Ticket)));
        page.WaitForElement("[data-testid=ambiguity-flag]");
        Assert.Contains("Ambiguous: 3 contacts", page.Find("[data-testid=ambiguity-flag]").TextContent);

        await page.Find($"#ambiguity-choose-{_mail.Email}-Contact-{_mail.Piotr}").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=ambiguity-flag]")));
        await AssertResolvedToPiotrAsync();
    }

    [Fact]
    public async Task Another_user_neither_sees_nor_resolves_the_flag()
    {
        await SeedAsync();
        var service = Services.GetRequiredService<EmailAmbiguityService>();
        Assert.Single(await service.ForEmailAsync(_mail.Email));
        var jan = await CreateUserAsync("jan");
        SignIn("jan", jan);

        Assert.Empty(await service.ForEmailAsync(_mail.Email));
        Assert.Empty(await service.ForTicketAsync(_mail.Ticket));
        Assert.NotNull(await service.ResolveAsync(_mail.Email, RecordKind.Contact, Key(_mail.Piotr)));

        await using var db = await DbAsync();
        Assert.Equal(3, await db.EmailLinks.CountAsync(l => l.EmailId == _mail.Email && l.RecordKind == RecordKind.Contact));
        Assert.Equal(3, await db.EmailAmbiguities.CountAsync(a => a.EmailId == _mail.Email));
        Assert.Equal(_mail.Anna, await db.Tickets.Where(t => t.Id == _mail.Ticket).Select(t => t.ContactId).SingleAsync());
    }

    [Fact]
    public async Task A_record_that_was_not_a_candidate_cannot_be_chosen()
    {
        await SeedAsync();
        var stranger = await Make.ContactAsync(Olga, "Inny", "Ktoś", "other@shared.example");

        var error = await Services.GetRequiredService<EmailAmbiguityService>().ResolveAsync(_mail.Email, RecordKind.Contact, Key(stranger));

        Assert.NotNull(error);
        await using var db = await DbAsync();
        Assert.Equal(3, await db.EmailAmbiguities.CountAsync(a => a.EmailId == _mail.Email));
    }
}
