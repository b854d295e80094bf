using PrivateMail.Web.Components.Forms;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Features.Records.Accounts;
using PrivateMail.Web.Features.Records.Contacts;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Tickets;

public sealed partial class TicketEditPage
{
    private TicketModel? _model;
    private EditContext? _editContext;
    private ServerErrors? _serverErrors;
    private IReadOnlyList<StatusOption> _statuses = [];
    private string? _formError;
    private bool _notFound;
    private bool _saving;
    private int? _loadedFor;

    /// <summary>The ticket to edit; null for a new one.</summary>
    [Parameter]
    public int? Id { get; set; }

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

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    protected override CrmModule Module => CrmModule.Tickets;

    private string Heading => Id is null ? RecordStrings.NewTicket : RecordStrings.EditTicket;

    private string CancelHref => Id is { } id ? $"tickets/{id}" : "tickets";

    protected override async Task LoadAsync()
    {
        if (_model is not null && _loadedFor == Id)
        {
            return;
        }

        _loadedFor = Id;
        _statuses = await Tickets.StatusesAsync();
        _model = Id is { } id ? await Tickets.GetForEditAsync(id) : await Tickets.NewAsync(ContactId, AccountId);
        _notFound = _model is null;
        if (_model is null)
        {
            return;
        }

        _editContext = new EditContext(_model);
        _serverErrors = new ServerErrors(_editContext);
    }

    private async Task<IEnumerable<RecordOption>> SearchContactsAsync(string? text, CancellationToken cancellationToken) =>
        await Contacts.SearchOptionsAsync(text, cancellationToken);

    private async Task<IEnumerable<RecordOption>> SearchAccountsAsync(string? text, CancellationToken cancellationToken) =>
        await Accounts.SearchOptionsAsync(text, cancellationToken);

    /// <summary>Picking a contact fills in their account when none is chosen yet.</summary>
    private async Task ContactChangedAsync(RecordOption? contact)
    {
        if (_model is null || _editContext is null)
        {
            return;
        }

        _model.Contact = contact;
        _editContext.NotifyFieldChanged(_editContext.Field(nameof(TicketModel.Contact)));
        if (contact is not null && _model.Account is null && Modules.IsEnabled(CrmModule.Contacts) && Modules.IsEnabled(CrmModule.Accounts))
        {
            var details = await Contacts.GetAsync(contact.Id);
            if (details?.AccountId is { } accountId)
            {
                _model.Account = new RecordOption(accountId, details.AccountName ?? "");
            }
        }
    }

    private async Task SaveAsync()
    {
        if (_model is null || _editContext is null || _serverErrors is null)
        {
            return;
        }

        _saving = true;
        try
        {
            _serverErrors.Clear();
            _formError = null;
            var result = await Tickets.SaveAsync(Id, _model);
            if (!result.Succeeded)
            {
                _formError = _serverErrors.Show(result.FieldErrors);
                Snackbar.Add(Strings.FixErrors, Severity.Error);
                return;
            }

            Snackbar.Add(RecordStrings.Saved, Severity.Success);
            Navigation.NavigateTo($"tickets/{result.Id}");
        }
        finally
        {
            _saving = false;
        }
    }
}
