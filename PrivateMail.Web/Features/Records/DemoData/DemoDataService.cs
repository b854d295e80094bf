using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Records.DemoData;

/// <summary>The administrator's demo data button: checks the role on every call, then loads.</summary>
public sealed class DemoDataService(DemoDataLoader loader, CurrentUser currentUser)
{
    public async Task<bool> IsLoadedAsync()
    {
        await DemandAdministratorAsync();
        return await loader.IsLoadedAsync();
    }

    public async Task<DemoDataResult> LoadAsync()
    {
        await DemandAdministratorAsync();
        return await loader.LoadAsync();
    }

    private async Task DemandAdministratorAsync()
    {
        await currentUser.GetRequiredIdAsync();
        if (!await currentUser.IsAdministratorAsync())
        {
            throw new UnauthorizedAccessException("Administrators only.");
        }
    }
}
