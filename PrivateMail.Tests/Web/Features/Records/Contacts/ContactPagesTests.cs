using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Contacts;

namespace PrivateMail.Tests.Web.Features.Records.Contacts;

/// <summary>Contacts as a user works with them: the list (paging, sorting, search), the page, the form, deleting.</summary>
public sealed class ContactPagesTests : RecordsTestContext
{
    private IReadOnlyList<string> Names(IRenderedComponent<WithDialogs> page) =>
        page.FindAll("#contacts-grid tbody tr td:first-child").Select(td => td.TextContent.Trim()).ToList();

    private IRenderedComponent<WithDialogs> RenderList()
    {
        var page = Render<WithDialogs>(p => p.AddChildContent<ContactsPage>());
        page.WaitForAssertion(() => Assert.NotEmpty(Names(page)));
        return page;
    }

    [Fact]
    public async Task The_list_pages_on_the_server_twenty_five_at_a_time()
    {
        for (var i = 1; i <= 30; i++)
        {
            await Make.ContactAsync(Olga, "Anna", $"Nowak {i:00}");
        }

        var page = RenderList();

        Assert.Equal(25, Names(page).Count);
        Assert.Equal("Anna Nowak 01", Names(page)[0]);
        Assert.Contains("1-25 of 30", page.Markup);

        page.Find("button[aria-label='Next page']").Click();

        page.WaitForAssertion(() => Assert.Equal(["Anna Nowak 26", "Anna Nowak 27", "Anna Nowak 28", "Anna Nowak 29", "Anna Nowak 30"], Names(page)));
    }

    [Fact]
    public async Task A_contact_saved_or_deleted_elsewhere_shows_on_an_open_list_without_a_reload()
    {
        var kept = await Make.ContactAsync(Olga, "Anna", "Nowak");
        var page = RenderList();
        var contacts = Services.GetRequiredService<ContactService>();

        // Saved through the service, as another page (or another node, through the backplane) would.
        var saved = await contacts.SaveAsync(null, new ContactModel { FirstName = "Jan", LastName = "Kowalski", OwnerId = Olga });
        Assert.True(saved.Succeeded);
        page.WaitForAssertion(() => Assert.Equal(["Jan Kowalski", "Anna Nowak"], Names(page)), Waits.Background);

        var renamed = new ContactModel { FirstName = "Anna", LastName = "Nowak-Lis", OwnerId = Olga };
        Assert.True((await contacts.SaveAsync(kept, renamed)).Succeeded);
        page.WaitForAssertion(() => Assert.Equal(["Jan Kowalski", "Anna Nowak-Lis"], Names(page)), Waits.Background);

        Assert.True(await contacts.DeleteAsync(saved.Id!.Value));
        page.WaitForAssertion(() => Assert.Equal(["Anna Nowak-Lis"], Names(page)), Waits.Background);
    }

    [Fact]
    public async Task An_open_contact_page_shows_a_rename_made_elsewhere_and_notices_the_delete()
    {
        var id = await Make.ContactAsync(Olga, "Anna", "Nowak");
        var page = Render<WithDialogs>(p => p.AddChildContent<ContactDetailPage>(c => c.Add(x => x.Id, id)));
        page.WaitForAssertion(() => Assert.Contains("Anna Nowak", page.Markup));
        var contacts = Services.GetRequiredService<ContactService>();

        Assert.True((await contacts.SaveAsync(id, new ContactModel { FirstName = "Anna", LastName = "Nowak-Lis", OwnerId = Olga })).Succeeded);
        page.WaitForAssertion(() => Assert.Contains("Anna Nowak-Lis", page.Markup), Waits.Background);

        Assert.True(await contacts.DeleteAsync(id));
        page.WaitForAssertion(() => Assert.DoesNotContain("Anna Nowak-Lis", page.Markup), Waits.Background);
    }

    [Fact]
    public async Task Sorting_by_a_column_orders_the_whole_list_on_the_server()
    {
        await Make.ContactAsync(Olga, "Jan", "Adamski", "zz@firma.example");
        await Make.ContactAsync(Olga, "Ewa", "Zielińska", "aa@firma.example");
        await Make.ContactAsync(Olga, "Piotr", "Mazur", "mm@firma.example");
        var page = RenderList();
        Assert.Equal(["Jan Adamski", "Piotr Mazur", "Ewa Zielińska"], Names(page));

        // The second header is E-mail.
        page.FindAll("#contacts-grid thead th")[1].QuerySelector(".sortable-column-header")!.Click();

        page.WaitForAssertion(() => Assert.Equal(["Ewa Zielińska", "Piotr Mazur", "Jan Adamski"], Names(page)));
    }

    [Theory]
    [InlineData("pl", new[] { "Adamski", "lewandowski", "Łuczak", "Zieliński", "Żak" })]
    [InlineData("en", new[] { "Adamski", "lewandowski", "Łuczak", "Żak", "Zieliński" })]
    public async Task Names_sort_alphabetically_for_the_readers_language_not_by_character_code(string culture, string[] expected)
    {
        foreach (var name in new[] { "Żak", "Zieliński", "Łuczak", "lewandowski", "Adamski" })
        {
            await Make.ContactAsync(Olga, "Anna", name);
        }

        UseCulture(culture);
        var page = await Services.GetRequiredService<ContactService>().ListAsync(new PrivateMail.Web.Features.Records.GridRequest());

        Assert.Equal(expected, page.Items.Select(c => c.LastName));
    }

    [Fact]
    public async Task Searching_finds_polish_names_in_any_case_and_addresses()
    {
        await Make.ContactAsync(Olga, "Łukasz", "Żak", "lukasz@ksiegarnia.example");
        await Make.ContactAsync(Olga, "Anna", "Nowak", "anna@firma.example");
        await Make.ContactAsync(Olga, "Jan", "Kowalski", "jan@ksiegarnia.example");
        var page = RenderList();

        page.Find("#contacts-grid-search").Input("ŁUKASZ żak");
        page.WaitForAssertion(() => Assert.Equal(["Łukasz Żak"], Names(page)), Waits.Background);

        page.Find("#contacts-grid-search").Input("ksiegarnia");
        page.WaitForAssertion(() => Assert.Equal(["Jan Kowalski", "Łukasz Żak"], Names(page)), Waits.Background);

        page.Find("#contacts-grid-search").Input("nobody like this");
        page.WaitForAssertion(() => Assert.Contains("Nothing matches the search.", page.Find("#contacts-grid-empty").TextContent), Waits.Background);
    }

    [Fact]
    public async Task The_list_shows_only_the_users_own_contacts()
    {
        var ben = await CreateUserAsync("ben");
        await Make.ContactAsync(Olga, "Anna", "Nowak");
        await Make.ContactAsync(ben, "Bartłomiej", "Obcy");

        var page = RenderList();

        Assert.Equal(["Anna Nowak"], Names(page));
    }

    [Fact]
    public async Task Only_administrators_who_see_everyones_contacts_get_an_owner_column()
    {
        await Make.ContactAsync(Olga, "Anna", "Nowak");
        var own = RenderList();
        Assert.DoesNotContain("Owner", own.Find("#contacts-grid thead").TextContent);
        await DisposeComponentsAsync();

        var ada = await CreateUserAsync("ada", administrator: true);
        SignIn("ada", ada, administrator: true);
        var all = RenderList();

        Assert.Contains("Owner", all.Find("#contacts-grid thead").TextContent);
        Assert.Contains("Olga Tester", all.Find("#contacts-grid tbody").TextContent);
    }

    [Fact]
    public async Task The_contact_page_shows_the_details_and_the_linked_e_mails_newest_first()
    {
        var account = await Make.AccountAsync(Olga, "Księgarnia Żak");
        var id = await Make.ContactAsync(Olga, "Łukasz", "Żak", "lukasz@ksiegarnia.example", account);
        var older = await Make.EmailAsync(Olga, "Older question", date: new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(1)));
        var newer = await Make.EmailAsync(Olga, "Newer question", date: new DateTimeOffset(2026, 2, 5, 9, 0, 0, TimeSpan.FromHours(1)));
        await Make.EmailAsync(Olga, "Not about Łukasz");
        await Make.LinkAsync(older, PrivateMail.Domain.Scanning.RecordKind.Contact, id);
        await Make.LinkAsync(newer, PrivateMail.Domain.Scanning.RecordKind.Contact, id);

        var page = Render<WithDialogs>(p => p.AddChildContent<ContactDetailPage>(c => c.Add(x => x.Id, id)));

        page.WaitForAssertion(() => Assert.Equal("Łukasz Żak", page.Find("#record-title").TextContent));
        Assert.Equal("lukasz@ksiegarnia.example", page.Find("#contact-email").TextContent.Trim());
        Assert.Equal("Księgarnia Żak", page.Find("#contact-account a").TextContent);
        page.WaitForAssertion(() => Assert.Equal(
            [newer.ToString(), older.ToString()],
            page.FindAll("#related-emails [data-email-id]").Select(e => e.GetAttribute("data-email-id"))));
        Assert.DoesNotContain("Not about", page.Find("#related-emails").TextContent);
    }

    [Fact]
    public async Task Another_users_contact_is_not_found()
    {
        var ben = await CreateUserAsync("ben");
        var id = await Make.ContactAsync(ben, "Bartłomiej", "Obcy");

        var page = Render<WithDialogs>(p => p.AddChildContent<ContactDetailPage>(c => c.Add(x => x.Id, id)));

        page.WaitForElement("#record-not-found");
        Assert.DoesNotContain("Obcy", page.Markup);
    }

    [Fact]
    public async Task Deleting_asks_first_and_cancel_keeps_the_contact()
    {
        var id = await Make.ContactAsync(Olga, "Anna", "Nowak");
        var page = Render<WithDialogs>(p => p.AddChildContent<ContactDetailPage>(c => c.Add(x => x.Id, id)));
        page.WaitForElement("#contact-delete");

        page.Find("#contact-delete").Click();
        page.WaitForAssertion(() => Assert.Contains("Delete the contact Anna Nowak?", page.Find(".mud-dialog").TextContent));
        page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-dialog")));
        Assert.True(await ExistsAsync(id));

        page.Find("#contact-delete").Click();
        page.WaitForAssertion(() => page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Delete").Click());

        page.WaitForAssertion(() => Assert.EndsWith("/contacts", Services.GetRequiredService<NavigationManager>().Uri));
        Assert.False(await ExistsAsync(id));
    }

    [Fact]
    public async Task A_new_contact_is_saved_with_its_normalised_address_and_opens()
    {
        var page = Render<WithPopovers>(p => p.AddChildContent<ContactEditPage>());
        page.WaitForElement("#contact-form");

        page.Find("#edit-first-name").Input("Zofia");
        page.Find("#edit-last-name").Input("Wójcik");
        page.Find("#edit-email").Input("Zofia.Wojcik@Zażółć.PL");
        await page.Find("#contact-form").SubmitAsync();

        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var contact = await db.Contacts.SingleAsync();
        Assert.Equal(("Zofia", "Wójcik", "Zofia.Wojcik@Zażółć.PL", "zofia.wojcik@xn--za-6ja4f8n1l.pl", Olga),
            (contact.FirstName, contact.LastName, contact.Email, contact.EmailNormalised, contact.OwnerId));
        Assert.EndsWith($"/contacts/{contact.Id}", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task Validation_errors_show_on_their_fields_and_nothing_typed_is_lost()
    {
        var page = Render<WithPopovers>(p => p.AddChildContent<ContactEditPage>());
        page.WaitForElement("#contact-form");

        page.Find("#edit-first-name").Input("Zofia");
        page.Find("#edit-email").Input("zofia@");
        page.Find("#edit-phone").Input("+48 600 100 200");
        await page.Find("#contact-form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("Last name is required.", page.Markup));
        Assert.Contains("E-mail must be a valid e-mail address.", page.Markup);
        Assert.Equal("Zofia", page.Find("#edit-first-name").GetAttribute("value"));
        Assert.Equal("zofia@", page.Find("#edit-email").GetAttribute("value"));
        Assert.Equal("+48 600 100 200", page.Find("#edit-phone").GetAttribute("value"));
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.Contacts.AnyAsync());
    }

    [Fact]
    public async Task Validation_speaks_polish_to_a_polish_user()
    {
        UseCulture("pl");
        var page = Render<WithPopovers>(p => p.AddChildContent<ContactEditPage>());
        page.WaitForElement("#contact-form");

        page.Find("#edit-email").Input("nie-adres");
        await page.Find("#contact-form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("Nazwisko: pole wymagane.", page.Markup));
        Assert.Contains("E-mail: podaj poprawny adres e-mail.", page.Markup);
        Assert.Equal("Nowy kontakt", page.Find("#record-title").TextContent);
    }

    [Fact]
    public async Task Editing_changes_the_contact()
    {
        var id = await Make.ContactAsync(Olga, "Anna", "Nowak", "anna@firma.example");
        var page = Render<WithPopovers>(p => p.AddChildContent<ContactEditPage>(c => c.Add(x => x.Id, id)));
        page.WaitForElement("#contact-form");
        Assert.Equal("anna@firma.example", page.Find("#edit-email").GetAttribute("value"));

        page.Find("#edit-last-name").Input("Nowak-Kowalska");
        await page.Find("#contact-form").SubmitAsync();

        Assert.EndsWith($"/contacts/{id}", Services.GetRequiredService<NavigationManager>().Uri);
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.Equal("Nowak-Kowalska", (await db.Contacts.SingleAsync()).LastName);
    }

    [Fact]
    public async Task A_contact_deleted_meanwhile_is_reported_on_save_and_the_typing_stays()
    {
        var id = await Make.ContactAsync(Olga, "Anna", "Nowak");
        var page = Render<WithPopovers>(p => p.AddChildContent<ContactEditPage>(c => c.Add(x => x.Id, id)));
        page.WaitForElement("#contact-form");
        page.Find("#edit-phone").Input("+48 600 100 200");
        await using (var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            await db.Contacts.Where(c => c.Id == id).ExecuteDeleteAsync();
        }

        await page.Find("#contact-form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("no longer exists", page.Find("#form-error").TextContent));
        Assert.Equal("+48 600 100 200", page.Find("#edit-phone").GetAttribute("value"));
        Assert.EndsWith("/", Services.GetRequiredService<NavigationManager>().Uri);
    }

    private async Task<bool> ExistsAsync(int id)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Contacts.AnyAsync(c => c.Id == id);
    }
}
