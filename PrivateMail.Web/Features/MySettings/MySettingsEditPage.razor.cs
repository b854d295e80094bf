using PrivateMail.Web.Components.Forms;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MySettings;

public sealed partial class MySettingsEditPage
{
    private MySettingsModel? _model;
    private EditContext? _editContext;
    private ServerErrors? _serverErrors;
    private string? _savedLanguage;
    private bool _saving;

    [Inject]
    public required MySettingsService Settings { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    protected override async Task OnInitializedAsync()
    {
        _model = await Settings.GetAsync();
        _savedLanguage = _model.Language;
        _editContext = new EditContext(_model);
        _serverErrors = new ServerErrors(_editContext);
    }

    private Task<IEnumerable<string>> SearchTimeZones(string? text, CancellationToken cancellationToken)
    {
        IEnumerable<string> matches = string.IsNullOrWhiteSpace(text)
            ? TimeZones.All
            : TimeZones.All.Where(z => z.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase));
        return Task.FromResult(matches);
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
            var result = await Settings.SaveAsync(_model);
            if (!result.Succeeded)
            {
                _serverErrors.Show(result.FieldErrors);
                Snackbar.Add(Strings.FixErrors, Severity.Error);
                return;
            }

            if (_model.Language != _savedLanguage)
            {
                // A new language needs a new circuit: reload so every label switches at once.
                Navigation.NavigateTo("my-settings?saved=true", forceLoad: true);
                return;
            }

            Snackbar.Add(Strings.SettingsSaved, Severity.Success);
            Navigation.NavigateTo("my-settings");
        }
        finally
        {
            _saving = false;
        }
    }
}
