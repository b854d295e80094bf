using PrivateMail.Web.Components.Forms;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Features.MySettings;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Mailboxes;

public sealed partial class MailboxTab
{
    private readonly CancellationTokenSource _lifetime = new();
    private MailboxModel? _model;
    private IReadOnlyList<SelectableServer> _servers = [];
    private EditContext? _editContext;
    private ServerErrors? _serverErrors;
    private ChipListInput? _emailChips;
    private Scanner.Preview.PreviewSuggestion? _suggestion;
    private Scanner.Preview.PreviewPanel? _preview;
    private ChipListInput? _domainChips;
    private MailboxConnectionCheck? _testResult;
    private bool _saving;
    private bool _testing;
    private bool _signingIn;
    private PrivateMail.Web.Features.OAuth.OAuthSignInOutcome? _oauthOutcome;
    /// <summary>Tells the scan panel to look again: the first save creates the mailbox it scans.</summary>
    private int _saves;

    [Inject]
    public required MailboxService Mailboxes { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required UserTimeProvider Clock { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required PrivateMail.Web.Features.OAuth.OAuthSignIn OAuth { get; init; }

    [Inject]
    public required PrivateMail.Web.Features.Security.CurrentUser CurrentUser { get; init; }

    private SelectableServer? SelectedServer => _servers.FirstOrDefault(s => s.Id == _model?.MailServerId);

    private bool IsOAuth => SelectedServer?.AuthMethod == MailAuthMethod.OAuth2;

    /// <summary>What the status chip says: the switch's choice, except that only the scanner lifts a lock.</summary>
    private MailboxStatus EffectiveStatus => _model is null
        ? MailboxStatus.Active
        : MailboxState.AfterOwnerSave(_model.Exists ? new MailboxState(_model.StoredStatus) : null, _model.Status, newSecret: !string.IsNullOrEmpty(_model.Password)) is { Allowed: true } preview
            ? preview.State.Status
            : _model.StoredStatus;

    private Color StatusColor => EffectiveStatus switch
    {
        MailboxStatus.Locked or MailboxStatus.SecretUnreadable => Color.Error,
        MailboxStatus.Inactive => Color.Default,
        _ => Color.Success,
    };

    /// <summary>Today in the owner's time zone: the latest import date the service accepts.</summary>
    private DateTime OwnerToday => Clock.Today.ToDateTime(TimeOnly.MinValue);

    private string LockedAtText => _model?.LastErrorAt is { } at ? $"{Clock.Format(at)} ({Clock.LocalTimeZone.Id})" : "—";

    protected override async Task OnInitializedAsync()
    {
        _servers = await Mailboxes.GetSelectableServersAsync(_lifetime.Token);
        // The service reads the owner's time zone afresh (they may have changed it on the other tab).
        _model = await Mailboxes.GetAsync(_lifetime.Token) ?? await Mailboxes.CreateDefaultAsync(_lifetime.Token);
        _editContext = new EditContext(_model);
        _serverErrors = new ServerErrors(_editContext);
        // Back from the provider: the callback put the outcome (a fixed word) in the address.
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri(Navigation.Uri).Query);
        _oauthOutcome = query.TryGetValue(PrivateMail.Web.Features.OAuth.OAuthSignIn.OutcomeQueryKey, out var outcome)
            ? PrivateMail.Web.Features.OAuth.OAuthSignIn.ParseOutcome(outcome.ToString())
            : null;
        if (_oauthOutcome == PrivateMail.Web.Features.OAuth.OAuthSignInOutcome.SignedIn && _model.OAuthAccount is { } account)
        {
            Snackbar.Add(string.Format(CultureInfo.CurrentCulture, OAuthStrings.SignedIn, account), Severity.Success);
        }
    }

    /// <summary>
    /// Saves the form (the flow starts from the saved mailbox: its server and login hint), then leaves for the provider.
    /// The PKCE verifier and state stay on the server; only the challenge and the state value travel.
    /// </summary>
    private async Task SignInWithProviderAsync()
    {
        if (_model is null || _signingIn)
        {
            return;
        }

        _signingIn = true;
        try
        {
            if (!await TrySaveAsync(announce: false))
            {
                return;
            }

            var userId = await CurrentUser.GetRequiredIdAsync();
            var start = await OAuth.BeginAsync(userId, Navigation.BaseUri, PrivateMail.Web.Features.OAuth.OAuthRedirect.MailboxTabPath, _lifetime.Token);
            if (start.AuthorizeUrl is { } url)
            {
                Navigation.NavigateTo(url, forceLoad: true);
                return;
            }

            _oauthOutcome = start.Failure;
        }
        finally
        {
            _signingIn = false;
        }
    }

    private static string ServerLabel(SelectableServer server) =>
        server.IsOffered ? server.Name : string.Format(CultureInfo.CurrentCulture, MailboxStrings.ServerWithdrawn, server.Name);

    private string? ErrorFor(string field) =>
        _editContext?.GetValidationMessages(_editContext.Field(field)).FirstOrDefault();

    private void FieldChanged(string field) => _editContext?.NotifyFieldChanged(_editContext.Field(field));

    private void OnServerChanged(int? serverId)
    {
        _model!.MailServerId = serverId;
        _testResult = null;
        FieldChanged(nameof(MailboxModel.MailServerId));
    }

    private void SetActive(bool on)
    {
        // Switching on asks for Active; the service keeps a scanner lock until the scanner lifts it.
        _model!.Status = on ? MailboxStatus.Active : MailboxStatus.Inactive;
        FieldChanged(nameof(MailboxModel.Status));
    }

    private void ToggleAction(ScannerActions action, bool on)
    {
        _model!.Actions = ScannerActionRules.Toggle(_model.Actions, action, on);
        FieldChanged(nameof(MailboxModel.Actions));
    }

    private void ToggleSearchField(string key, bool on)
    {
        if (on && !_model!.SearchFields.Contains(key))
        {
            _model.SearchFields.Add(key);
        }
        else if (!on)
        {
            _model!.SearchFields.Remove(key);
        }

        FieldChanged(nameof(MailboxModel.SearchFields));
    }

    private Task<MailboxFolderList> LoadFoldersAsync() => Mailboxes.LoadFoldersAsync(_model!, _lifetime.Token);

    private async Task TestAsync()
    {
        if (_model is null || _testing)
        {
            return;
        }

        _testing = true;
        _testResult = null;
        try
        {
            _testResult = await Mailboxes.TestConnectionAsync(_model, _lifetime.Token);
        }
        finally
        {
            _testing = false;
        }
    }

    /// <summary>A scan ended: show the lock it set or lifted, leaving the owner's unsaved edits alone.</summary>
    private async Task ScanFinishedAsync()
    {
        if (_model is not null && await Mailboxes.GetAsync(_lifetime.Token) is { } saved)
        {
            _model.StoredStatus = saved.StoredStatus;
            _model.LastError = saved.LastError;
            _model.LastErrorAt = saved.LastErrorAt;
        }
    }

    // A first save that could open many tickets suggests the preview instead of saving.
    private async Task SaveAsync()
    {
        if (_suggestion is null || !await _suggestion.SuggestAsync(_lifetime.Token))
        {
            await TrySaveAsync(announce: true);
        }
    }

    private Task SaveAnywayAsync() => TrySaveAsync(announce: true);

    private Task PreviewFirstAsync() => _preview?.RunAsync() ?? Task.CompletedTask;

    private async Task<bool> TrySaveAsync(bool announce)
    {
        if (_model is null || _editContext is null || _serverErrors is null || _saving)
        {
            return false;
        }

        _saving = true;
        try
        {
            _serverErrors.Clear();
            // Text still in a chip box counts as typed: add it, or stop with its error shown and the text kept.
            var emailsOk = _emailChips is null || await _emailChips.CommitPendingAsync();
            var domainsOk = _domainChips is null || await _domainChips.CommitPendingAsync();
            var formOk = _editContext.Validate();
            if (!emailsOk || !domainsOk || !formOk)
            {
                Snackbar.Add(Strings.FixErrors, Severity.Error);
                return false;
            }

            var result = await Mailboxes.SaveAsync(_model, _lifetime.Token);
            if (!result.Succeeded)
            {
                _serverErrors.Show(result.FieldErrors);
                Snackbar.Add(Strings.FixErrors, Severity.Error);
                return false;
            }

            // Show what was stored (normalised lists, the lock if any) and empty the password box again.
            if (await Mailboxes.GetAsync(_lifetime.Token) is { } saved)
            {
                _model.CopyFrom(saved);
            }

            _saves++;
            _editContext.NotifyValidationStateChanged();
            if (announce)
            {
                Snackbar.Add(MailboxStrings.Saved, Severity.Success);
            }

            return true;
        }
        finally
        {
            _saving = false;
        }
    }

    public void Dispose()
    {
        _lifetime.Cancel();
        _lifetime.Dispose();
    }
}
