using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Records;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Tickets;

namespace PrivateMail.Tests.Web.Features.Records.Tickets;

/// <summary>
/// The shipped ticket statuses read in the user's language in lists, chips, menus and selects; statuses an administrator
/// renamed or added read as typed, and no two statuses may read alike in any language.
/// </summary>
public sealed class TicketStatusLanguageTests : PrivateMailTestContext, IAsyncLifetime
{
    private string _adminId = "";
    private RecordFactory _make = default!;

    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync();
        _adminId = await CreateUserAsync("ada", administrator: true);
        _make = new RecordFactory(Services);
        SignIn("ada", _adminId, administrator: true);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    private TicketStatusService Statuses => Services.GetRequiredService<TicketStatusService>();

    private async Task<int> StatusIdAsync(string name) => (await Statuses.ListAsync()).Single(s => s.Name == name).Id;

    private async Task<string> StoredNameAsync(int id)
    {
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.TicketStatuses.Where(s => s.Id == id).Select(s => s.Name).SingleAsync();
    }

    [Fact]
    public async Task A_polish_user_reads_the_shipped_statuses_in_polish_in_the_list_the_ticket_page_its_menu_and_the_form()
    {
        var ticket = await _make.TicketAsync(_adminId, "Drukarka nie drukuje", TicketStatuses.WaitingForResponse);
        UseCulture("pl");

        var list = Render<WithDialogs>(p => p.AddChildContent<TicketsPage>());
        list.WaitForAssertion(() => Assert.Contains("Oczekuje na odpowiedź", list.Find("#tickets-grid tbody tr").TextContent));
        Assert.DoesNotContain("Waiting for response", list.Markup);
        await DisposeComponentsAsync();

        var detail = Render<WithDialogs>(p => p.AddChildContent<TicketDetailPage>(c => c.Add(x => x.Id, ticket.Id)));
        detail.WaitForAssertion(() => Assert.Equal("Oczekuje na odpowiedź", detail.Find("#ticket-status button").TextContent.Trim()));
        detail.Find("#ticket-status button").Click();
        detail.WaitForAssertion(() => Assert.Equal(
            ["Otwarte", "W realizacji", "Oczekuje na odpowiedź", "Odpowiedziano", "Rozwiązane", "Zamknięte", "Odrzucone"],
            detail.FindAll(".mud-popover-open .mud-menu-item").Select(i => i.TextContent.Trim())));
        await DisposeComponentsAsync();

        var form = Render<WithDialogs>(p => p.AddChildContent<TicketEditPage>(c => c.Add(x => x.Id, ticket.Id)));
        form.WaitForAssertion(() => Assert.Equal("Oczekuje na odpowiedź", form.Find(".mud-select:has(#edit-status) [role=combobox]").TextContent.Trim()));
    }

    [Fact]
    public async Task Renamed_and_added_statuses_read_as_the_administrator_typed_them_in_every_language()
    {
        Assert.Null(await Statuses.UpdateAsync(await StatusIdAsync(TicketStatuses.WaitingForResponse), "Czeka na klienta", isClosing: false));
        Assert.Null(await Statuses.AddAsync("Escalated", isClosing: false));
        var ticket = await _make.TicketAsync(_adminId, "Drukarka nie drukuje", "Czeka na klienta");

        UseCulture("pl");
        var detail = Render<WithDialogs>(p => p.AddChildContent<TicketDetailPage>(c => c.Add(x => x.Id, ticket.Id)));
        detail.WaitForAssertion(() => Assert.Equal("Czeka na klienta", detail.Find("#ticket-status button").TextContent.Trim()));
        detail.Find("#ticket-status button").Click();
        detail.WaitForAssertion(() => Assert.Contains("Escalated", detail.FindAll(".mud-popover-open .mud-menu-item").Select(i => i.TextContent.Trim())));
        Assert.Contains("Otwarte", detail.FindAll(".mud-popover-open .mud-menu-item").Select(i => i.TextContent.Trim()));
        await DisposeComponentsAsync();

        UseCulture("en");
        var english = Render<WithDialogs>(p => p.AddChildContent<TicketDetailPage>(c => c.Add(x => x.Id, ticket.Id)));
        english.WaitForAssertion(() => Assert.Equal("Czeka na klienta", english.Find("#ticket-status button").TextContent.Trim()));
    }

    [Fact]
    public async Task A_status_reading_like_a_shipped_one_in_another_language_is_refused_until_that_one_is_renamed()
    {
        UseCulture("pl");

        Assert.Equal("Status o tej nazwie już istnieje.", await Statuses.AddAsync("Otwarte", isClosing: false));
        Assert.Equal("Status o tej nazwie już istnieje.", await Statuses.AddAsync("oczekuje na odpowiedź", isClosing: false));
        var escalated = await AddAndGetIdAsync("Eskalowane");
        Assert.Equal("Status o tej nazwie już istnieje.", await Statuses.UpdateAsync(escalated, "Zamknięte", isClosing: false));

        // Once the shipped Open is renamed, its Polish label is free for another status.
        Assert.Null(await Statuses.UpdateAsync(await StatusIdAsync(TicketStatuses.Open), "Nowe", isClosing: false));
        Assert.Null(await Statuses.AddAsync("Otwarte", isClosing: false));
    }

    [Fact]
    public async Task Saving_a_shipped_status_unchanged_on_the_polish_page_keeps_it_shipped_for_everyone()
    {
        var waiting = await StatusIdAsync(TicketStatuses.WaitingForResponse);
        UseCulture("pl");
        var page = Render<WithDialogs>(p => p.AddChildContent<TicketStatusesPage>());
        page.WaitForAssertion(() => Assert.Contains("Oczekuje na odpowiedź", page.Find($"#statuses-table tr[data-status='{TicketStatuses.WaitingForResponse}']").TextContent));

        page.Find($"[data-rename='{TicketStatuses.WaitingForResponse}']").Click();
        page.WaitForAssertion(() => Assert.Equal("Oczekuje na odpowiedź", page.Find("#status-edit-name").GetAttribute("value")));
        page.Find("#status-edit-save").Click();

        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#status-edit-name")));
        Assert.Equal(TicketStatuses.WaitingForResponse, await StoredNameAsync(waiting));

        // A real rename from the same form is stored as typed.
        page.Find($"[data-rename='{TicketStatuses.WaitingForResponse}']").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#status-edit-name")));
        page.Find("#status-edit-name").Input("Czeka na klienta");
        page.Find("#status-edit-save").Click();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#statuses-table tr[data-status='Czeka na klienta']")));
        Assert.Equal("Czeka na klienta", await StoredNameAsync(waiting));
    }

    private async Task<int> AddAndGetIdAsync(string name)
    {
        Assert.Null(await Statuses.AddAsync(name, isClosing: false));
        return await StatusIdAsync(name);
    }
}
