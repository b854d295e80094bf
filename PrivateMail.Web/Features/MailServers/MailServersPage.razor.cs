using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MailServers;

public sealed partial class MailServersPage
{
    private IReadOnlyList<MailServerRow>? _servers;

    [Inject]
    public required MailServerService Servers { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    protected override async Task OnInitializedAsync() => _servers = await Servers.ListAsync();

    private static string EditHref(MailServerRow server) => $"admin/mail-servers/{server.Id}";

    private async Task SetActiveAsync(MailServerRow server, bool active)
    {
        var result = await Servers.SetActiveAsync(server.Id, active);
        if (result.Succeeded)
        {
            Snackbar.Add(active ? MailServerStrings.ServerActivated : MailServerStrings.ServerDeactivated, Severity.Success);
        }
        else
        {
            Snackbar.Add(result.Error!, Severity.Error);
        }

        _servers = await Servers.ListAsync();
    }

    private async Task DeleteAsync(MailServerRow server)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(MailServerStrings.Delete,
            string.Format(CultureInfo.CurrentCulture, MailServerStrings.DeleteConfirm, server.Name),
            yesText: MailServerStrings.Delete, cancelText: Strings.Cancel);
        if (confirmed != true)
        {
            return;
        }

        var result = await Servers.DeleteAsync(server.Id);
        if (result.Succeeded)
        {
            Snackbar.Add(MailServerStrings.ServerDeleted, Severity.Success);
        }
        else if (result.InUse && server.IsActive)
        {
            // The way out of "in use": deactivate, offered on the spot.
            var deactivate = await Dialogs.ShowMessageBoxAsync(MailServerStrings.DeleteRefusedTitle, result.Error!,
                yesText: Strings.Deactivate, cancelText: Strings.Cancel);
            if (deactivate == true)
            {
                await SetActiveAsync(server, false);
                return;
            }
        }
        else
        {
            Snackbar.Add(result.Error!, Severity.Error);
        }

        _servers = await Servers.ListAsync();
    }
}
