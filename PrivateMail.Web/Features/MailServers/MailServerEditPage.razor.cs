using PrivateMail.Web.Components.Forms;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using PrivateMail.Domain.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MailServers;

public sealed partial class MailServerEditPage
{
    private static readonly MailSecurity[] SecurityModes = [MailSecurity.SslTls, MailSecurity.StartTls, MailSecurity.None];

    /// <summary>The fields a connection test depends on: a result shown for other values would mislead.</summary>
    private static readonly HashSet<string> ConnectionFields =
        [nameof(MailServerModel.ImapHost), nameof(MailServerModel.ImapPort), nameof(MailServerModel.ImapSecurity), nameof(MailServerModel.ValidateCertificate)];

    private readonly CancellationTokenSource _disposed = new();
    private MailServerModel? _model;
    private EditContext? _editContext;
    private ServerErrors? _serverErrors;
    private List<BreadcrumbItem> _breadcrumbs = [];
    private bool _notFound;
    private bool _saving;
    private bool _testing;
    private string? _testLogin;
    private string? _testPassword;
    private string? _testedLogin;
    private bool _testedWithValidation;
    private ConnectionTestOutcome? _testOutcome;

    /// <summary>The server to edit; null for a new one.</summary>
    [Parameter]
    public int? Id { get; set; }

    [Inject]
    public required MailServerService Servers { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required Microsoft.Extensions.Options.IOptions<Hosting.PrivateMailOptions> AppOptions { get; init; }

    /// <summary>What the administrator registers with the provider: the configured public address, else this one.</summary>
    private string RedirectUri => OAuth.OAuthRedirect.Build(AppOptions.Value.PublicBaseUrl, Navigation.BaseUri);

    private string Title => Id is null ? MailServerStrings.NewServer : MailServerStrings.EditServer;

    protected override async Task OnInitializedAsync()
    {
        _breadcrumbs = [new(Strings.MailServers, "admin/mail-servers"), new(Title, null, disabled: true)];
        var model = Id is { } id ? await Servers.GetAsync(id, _disposed.Token) : new MailServerModel();
        if (model is null)
        {
            _notFound = true;
            return;
        }

        _model = model;
        _editContext = new EditContext(_model);
        _serverErrors = new ServerErrors(_editContext);
        _editContext.OnFieldChanged += (_, e) =>
        {
            if (ConnectionFields.Contains(e.FieldIdentifier.FieldName))
            {
                _testOutcome = null;
            }
        };
    }

    private void OnImapSecurityChanged(MailSecurity security)
    {
        _model!.ChangeImapSecurity(security);
        _editContext!.NotifyFieldChanged(_editContext.Field(nameof(MailServerModel.ImapSecurity)));
        _editContext.NotifyFieldChanged(_editContext.Field(nameof(MailServerModel.ImapPort)));
    }

    private void OnSmtpSecurityChanged(MailSecurity security)
    {
        _model!.ChangeSmtpSecurity(security);
        _editContext!.NotifyFieldChanged(_editContext.Field(nameof(MailServerModel.SmtpSecurity)));
        _editContext.NotifyFieldChanged(_editContext.Field(nameof(MailServerModel.SmtpPort)));
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
            var result = await Servers.SaveAsync(_model, _disposed.Token);
            if (!result.Succeeded)
            {
                _serverErrors.Show(result.FieldErrors);
                Snackbar.Add(result.Error ?? Strings.FixErrors, Severity.Error);
                return;
            }

            // The secret is encrypted and stored: it need not stay in this circuit's memory.
            _model.OAuthClientSecret = "";
            Snackbar.Add(MailServerStrings.ServerSaved, Severity.Success);
            Navigation.NavigateTo("admin/mail-servers");
        }
        finally
        {
            _saving = false;
        }
    }

    private Task TestAsync() => TestAsync(smtp: false);

    private Task TestSmtpAsync() => TestAsync(smtp: true);

    private async Task TestAsync(bool smtp)
    {
        if (_model is null || _editContext is null || _serverErrors is null)
        {
            return;
        }

        _testing = true;
        _testOutcome = null;
        try
        {
            var login = _testLogin;
            var validation = _model.ValidateCertificate;
            var outcome = smtp
                ? await Servers.TestSmtpAsync(_model, login, _testPassword, _disposed.Token)
                : await Servers.TestConnectionAsync(_model, login, _testPassword, _disposed.Token);
            _serverErrors.Show(outcome.FieldErrors);

            _testedLogin = string.IsNullOrWhiteSpace(login) ? null : login.Trim();
            _testedWithValidation = validation;
            _testOutcome = outcome;
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            // The page closed while the server was still being asked; nobody is waiting for the answer.
        }
        finally
        {
            _testing = false;
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
