using PrivateMail.Web.Components.Forms;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Features.Records.Accounts;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Contacts;

public sealed partial class ContactEditPage
{
    private ContactModel? _model;
    private EditContext? _editContext;
    private ServerErrors? _serverErrors;
    private string? _formError;
    private bool _notFound;
    private bool _saving;
    private int? _loadedFor;

    /// <summary>The contact to edit; null for a new one.</summary>
    [Parameter]
    public int? Id { get; set; }

    /// <summary>For a new contact: the account it belongs to (from the account's page).</summary>
    [SupplyParameterFromQuery(Name = "account")]
    public int? AccountId { get; set; }

    [Inject]
    public required ContactService Contacts { get; init; }

    [Inject]
    public required AccountService Accounts { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    protected override CrmModule Module => CrmModule.Contacts;

    private string Heading => Id is null ? RecordStrings.NewContact : RecordStrings.EditContact;

    private string CancelHref => Id is { } id ? $"contacts/{id}" : "contacts";

    protected override async Task LoadAsync()
    {
        // Keep what the user typed when the page re-renders (a module switch elsewhere, a reconnect).
        if (_model is not null && _loadedFor == Id)
        {
            return;
        }

        _loadedFor = Id;
        _model = Id is { } id ? await Contacts.GetForEditAsync(id) : await Contacts.NewAsync(AccountId);
        _notFound = _model is null;
        if (_model is null)
        {
            return;
        }

        _editContext = new EditContext(_model);
        _serverErrors = new ServerErrors(_editContext);
    }

    private async Task<IEnumerable<RecordOption>> SearchAccountsAsync(string? text, CancellationToken cancellationToken) =>
        await Accounts.SearchOptionsAsync(text, cancellationToken);

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
            var result = await Contacts.SaveAsync(Id, _model);
            if (!result.Succeeded)
            {
                _formError = _serverErrors.Show(result.FieldErrors);
                Snackbar.Add(Strings.FixErrors, Severity.Error);
                return;
            }

            Snackbar.Add(RecordStrings.Saved, Severity.Success);
            Navigation.NavigateTo($"contacts/{result.Id}");
        }
        finally
        {
            _saving = false;
        }
    }
}
