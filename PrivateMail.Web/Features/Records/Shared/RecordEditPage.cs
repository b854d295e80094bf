using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Components.Forms;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Shared;

/// <summary>What <see cref="RecordEditForm"/> shows of an edit page: its state and where it leads.</summary>
public interface IRecordEditor
{
    CrmModule RecordModule { get; }

    bool IsModuleEnabled { get; }

    /// <summary>The record is gone or not the viewer's.</summary>
    bool NotFound { get; }

    /// <summary>Null until the form is loaded.</summary>
    EditContext? EditContext { get; }

    /// <summary>An error about the whole form (the record was deleted meanwhile), in the user's language.</summary>
    string? FormError { get; }

    bool Saving { get; }

    string Heading { get; }

    string Icon { get; }

    /// <summary>The list page, e.g. <c>contacts</c>.</summary>
    string ListHref { get; }

    string BackText { get; }

    /// <summary>The record's page for an existing record, else the list.</summary>
    string CancelHref { get; }

    /// <summary>The form element's id, e.g. <c>contact-form</c>.</summary>
    string FormId { get; }

    EventCallback<EditContext> Submit { get; }
}

/// <summary>What differs between the kinds' edit pages besides their fields; texts are read at render, in the user's language.</summary>
/// <param name="ListHref">The list page, e.g. <c>contacts</c>; a record's page is below it.</param>
/// <param name="FormId">The form element's id, e.g. <c>contact-form</c>.</param>
public sealed record RecordEditKind(
    CrmModule Module, string ListHref, string FormId, string Icon, Func<string> NewHeading, Func<string> EditHeading, Func<string> BackText);

/// <summary>
/// The edit page of one record kind: loads the form once per record (what the user typed survives re-renders), saves it
/// through the kind's service, puts the service's errors under their fields, and goes to the record when saved. A kind
/// adds its fields (markup inside <see cref="RecordEditForm"/>) and how to load and save its model.
/// </summary>
public abstract class RecordEditPage<TModel> : RecordPageBase, IRecordEditor
    where TModel : class
{
    private TModel? _model;
    private ServerErrors? _serverErrors;
    private int? _loadedFor;

    /// <summary>The record to edit; null for a new one.</summary>
    [Parameter]
    public int? Id { get; set; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    public CrmModule RecordModule => Module;

    /// <summary>The kind this page edits.</summary>
    protected abstract RecordEditKind Kind { get; }

    protected sealed override CrmModule Module => Kind.Module;

    public bool IsModuleEnabled => ModuleEnabled;

    public bool NotFound { get; private set; }

    public EditContext? EditContext { get; private set; }

    public string? FormError { get; private set; }

    public bool Saving { get; private set; }

    public string Heading => Id is null ? Kind.NewHeading() : Kind.EditHeading();

    public string Icon => Kind.Icon;

    public string ListHref => Kind.ListHref;

    public string BackText => Kind.BackText();

    public string CancelHref => Id is { } id ? $"{ListHref}/{id}" : ListHref;

    public string FormId => Kind.FormId;

    public EventCallback<EditContext> Submit => EventCallback.Factory.Create<EditContext>(this, SaveAsync);

    /// <summary>The loaded form; only read while <see cref="EditContext"/> is set (the fields render only then).</summary>
    protected TModel Model => _model ?? throw new InvalidOperationException("The form is not loaded yet.");

    /// <summary>The record's form, or a new one when <paramref name="id"/> is null; null when the record is not there.</summary>
    protected abstract Task<TModel?> LoadModelAsync(int? id);

    protected abstract Task<RecordSaveResult> SaveModelAsync(int? id, TModel model);

    /// <summary>What the fields choose from (statuses), loaded with the form.</summary>
    protected virtual Task LoadChoicesAsync() => Task.CompletedTask;

    protected sealed override async Task LoadAsync()
    {
        // Keep what the user typed when the page re-renders (a module switch elsewhere, a reconnect).
        if (_model is not null && _loadedFor == Id)
        {
            return;
        }

        _loadedFor = Id;
        await LoadChoicesAsync();
        _model = await LoadModelAsync(Id);
        NotFound = _model is null;
        EditContext = _model is null ? null : new EditContext(_model);
        _serverErrors = EditContext is null ? null : new ServerErrors(EditContext);
    }

    private async Task SaveAsync()
    {
        if (_model is null || _serverErrors is null)
        {
            return;
        }

        Saving = true;
        try
        {
            _serverErrors.Clear();
            FormError = null;
            var result = await SaveModelAsync(Id, _model);
            if (!result.Succeeded)
            {
                FormError = _serverErrors.Show(result.FieldErrors);
                Snackbar.Add(Strings.FixErrors, Severity.Error);
                return;
            }

            Snackbar.Add(RecordStrings.Saved, Severity.Success);
            Navigation.NavigateTo($"{ListHref}/{result.Id}");
        }
        finally
        {
            Saving = false;
        }
    }
}
