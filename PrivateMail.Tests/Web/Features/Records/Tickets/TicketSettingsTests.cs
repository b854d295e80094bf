using Bunit;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Records;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Features.Records.Tickets;

namespace PrivateMail.Tests.Web.Features.Records.Tickets;

/// <summary>System configuration → Tickets: statuses as data and the scanner's status mapping, for administrators only.</summary>
public sealed class TicketSettingsTests : PrivateMailTestContext, IAsyncLifetime
{
    private string _adminId = "";

    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync();
        _adminId = await CreateUserAsync("ada", administrator: true);
        SignIn("ada", _adminId, administrator: true);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    private TicketStatusService Statuses => Services.GetRequiredService<TicketStatusService>();

    [Fact]
    public async Task A_fresh_installation_has_the_default_statuses_and_mapping()
    {
        var statuses = await Statuses.ListAsync();
        var names = await Services.GetRequiredService<TicketStore>().GetStatusMappingAsync();

        Assert.Equal(TicketStatuses.Defaults.Select(s => (s.Name, s.IsClosing)), statuses.Select(s => (s.Name, s.IsClosing)));
        Assert.Equal(("Waiting for response", "Answered", "Open", "Open"), (names.WaitingForResponse, names.Answered, names.Reopen, names.NewTicket));
        Assert.Equal(["Closed", "Rejected", "Resolved"], names.Closing.Order());
    }

    [Fact]
    public async Task A_user_who_is_not_an_administrator_is_refused()
    {
        var jan = await CreateUserAsync("jan");
        SignIn("jan", jan);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Statuses.ListAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Statuses.AddAsync("Escalated", false));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Statuses.SaveMappingAsync(new StatusMappingModel()));
    }

    [Fact]
    public async Task Statuses_are_added_renamed_flagged_and_the_scanner_sees_the_new_names()
    {
        Assert.Null(await Statuses.AddAsync("Escalated", isClosing: false));
        Assert.Equal("A status with this name exists already.", await Statuses.AddAsync("escalated", isClosing: false));
        var waiting = (await Statuses.ListAsync()).Single(s => s.Name == TicketStatuses.WaitingForResponse);

        Assert.Null(await Statuses.UpdateAsync(waiting.Id, "Awaiting customer", isClosing: false));
        var escalated = (await Statuses.ListAsync()).Single(s => s.Name == "Escalated");
        Assert.Null(await Statuses.UpdateAsync(escalated.Id, "Escalated", isClosing: true));

        var names = await Services.GetRequiredService<TicketStore>().GetStatusMappingAsync();
        Assert.Equal("Awaiting customer", names.WaitingForResponse);
        Assert.Contains("Escalated", names.Closing);
    }

    [Fact]
    public async Task A_status_used_by_tickets_or_by_the_mapping_cannot_be_deleted_but_an_unused_one_can()
    {
        var inProgress = (await Statuses.ListAsync()).Single(s => s.Name == TicketStatuses.InProgress);
        var open = (await Statuses.ListAsync()).Single(s => s.Name == TicketStatuses.Open);
        await new RecordFactory(Services).TicketAsync(_adminId, "Busy", TicketStatuses.InProgress);

        Assert.Equal("Tickets have this status. Move them to another status first.", await Statuses.DeleteAsync(inProgress.Id));
        Assert.Contains("status changes use this status", await Statuses.DeleteAsync(open.Id));
        var rejected = (await Statuses.ListAsync()).Single(s => s.Name == TicketStatuses.Rejected);
        Assert.Null(await Statuses.DeleteAsync(rejected.Id));
        Assert.DoesNotContain(await Statuses.ListAsync(), s => s.Name == TicketStatuses.Rejected);
    }

    [Fact]
    public async Task The_mapping_is_saved_but_never_reopens_or_creates_into_a_closing_status()
    {
        var statuses = (await Statuses.ListAsync()).ToDictionary(s => s.Name, s => s.Id);
        var mapping = await Statuses.GetMappingAsync();

        mapping.ReopenStatusId = statuses[TicketStatuses.Closed];
        Assert.Equal("Reopened and new tickets cannot start in a closing status.", await Statuses.SaveMappingAsync(mapping));

        mapping.ReopenStatusId = statuses[TicketStatuses.InProgress];
        mapping.AnswerToStatusId = statuses[TicketStatuses.InProgress];
        Assert.Null(await Statuses.SaveMappingAsync(mapping));
        var names = await Services.GetRequiredService<TicketStore>().GetStatusMappingAsync();
        Assert.Equal(("In progress", "In progress"), (names.Reopen, names.Answered));
    }

    [Fact]
    public void The_page_lists_the_statuses_with_their_closing_flag_and_the_mapping()
    {
        var page = Render<WithDialogs>(p => p.AddChildContent<TicketStatusesPage>());

        page.WaitForAssertion(() => Assert.Equal(7, page.FindAll("#statuses-table tbody tr").Count));
        Assert.Contains("Waiting for response", page.Find("#statuses-table").TextContent);
        Assert.NotNull(page.Find("#status-mapping"));
    }

    [Fact]
    public void Adding_a_status_on_the_page_shows_it_in_the_table()
    {
        var page = Render<WithDialogs>(p => p.AddChildContent<TicketStatusesPage>());
        page.WaitForAssertion(() => Assert.Equal(7, page.FindAll("#statuses-table tbody tr").Count));

        page.Find("#status-new-name").Input("Escalated");
        page.Find("#status-add").Click();

        page.WaitForAssertion(() => Assert.NotNull(page.Find("#statuses-table tr[data-status='Escalated']")));
    }
}
