using Microsoft.AspNetCore.Components;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Features.Modules;

namespace PrivateMail.Web.Features.Records.Shared;

/// <summary>
/// A page of one record module: shows the module-disabled notice instead of content while the module is off (the
/// services refuse as well), and loads its data when the module is switched on while the page is open.
/// </summary>
public abstract class RecordPageBase : ModuleAwareComponent
{
    /// <summary>The module this page belongs to.</summary>
    protected abstract CrmModule Module { get; }

    protected bool ModuleEnabled => Modules.IsEnabled(Module);

    [Inject]
    public required PrivateMail.Web.Features.MySettings.UserTimeProvider Clock { get; init; }

    [Inject]
    public required Security.CurrentUser CurrentUser { get; init; }

    /// <summary>Administrators see everyone's records, so lists show them the owner; a user sees only their own.</summary>
    protected bool IsAdministrator { get; private set; }

    protected override async Task OnParametersSetAsync()
    {
        IsAdministrator = await CurrentUser.IsAdministratorAsync();
        if (ModuleEnabled)
        {
            await Clock.LoadAsync();
            await LoadAsync();
        }
    }

    protected override async Task OnModulesChangedAsync()
    {
        if (ModuleEnabled)
        {
            await Clock.LoadAsync();
            await LoadAsync();
        }
    }

    /// <summary>Loads the page's data; called only while the module is enabled.</summary>
    protected virtual Task LoadAsync() => Task.CompletedTask;
}
