using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Features.Records.Accounts;
using PrivateMail.Web.Features.Records.Contacts;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Tickets;

public sealed partial class TicketEditPage
{
    /// <summary>For a new ticket: its contact (from the contact's page); the contact's account comes with it.</summary>
    [SupplyParameterFromQuery(Name = "contact")]
    public int? ContactId { get; set; }

    [SupplyParameterFromQuery(Name = "account")]
    public int? AccountId { get; set; }

    [Inject]
    public required TicketService Tickets { get; init; }

    [Inject]
    public required ContactService Contacts { get; init; }

    [Inject]
    public required AccountService Accounts { get; init; }

    protected override RecordEditKind Kind { get; } = new(
        CrmModule.Tickets, "tickets", "ticket-form", Icons.Material.Outlined.ConfirmationNumber,
        () => RecordStrings.NewTicket, () => RecordStrings.EditTicket, () => RecordStrings.BackToTickets);

    private IReadOnlyList<StatusOption> Statuses { get; set; } = [];

    protected override async Task LoadChoicesAsync() => Statuses = await Tickets.StatusesAsync();

    protected override async Task<TicketModel?> LoadModelAsync(int? id) => id is { } existing ? await Tickets.GetForEditAsync(existing) : await Tickets.NewAsync(ContactId, AccountId);

    protected override Task<RecordSaveResult> SaveModelAsync(int? id, TicketModel model) => Tickets.SaveAsync(id, model);

    private async Task<IEnumerable<RecordOption>> SearchContactsAsync(string? text, CancellationToken cancellationToken) =>
        await Contacts.SearchOptionsAsync(text, cancellationToken);

    private async Task<IEnumerable<RecordOption>> SearchAccountsAsync(string? text, CancellationToken cancellationToken) =>
        await Accounts.SearchOptionsAsync(text, cancellationToken);

    /// <summary>Picking a contact fills in their account when none is chosen yet.</summary>
    private async Task ContactChangedAsync(RecordOption? contact)
    {
        if (EditContext is null)
        {
            return;
        }

        Model.Contact = contact;
        EditContext.NotifyFieldChanged(EditContext.Field(nameof(TicketModel.Contact)));
        if (contact is not null && Model.Account is null && Modules.IsEnabled(CrmModule.Contacts) && Modules.IsEnabled(CrmModule.Accounts))
        {
            var details = await Contacts.GetAsync(contact.Id);
            if (details?.AccountId is { } accountId)
            {
                Model.Account = new RecordOption(accountId, details.AccountName ?? "");
            }
        }
    }
}
