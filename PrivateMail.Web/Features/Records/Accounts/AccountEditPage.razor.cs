using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Accounts;

public sealed partial class AccountEditPage
{
    [Inject]
    public required AccountService Accounts { get; init; }

    protected override RecordEditKind Kind { get; } = new(
        CrmModule.Accounts, "accounts", "account-form", Icons.Material.Outlined.Business,
        () => RecordStrings.NewAccount, () => RecordStrings.EditAccount, () => RecordStrings.BackToAccounts);

    protected override async Task<AccountModel?> LoadModelAsync(int? id) => id is { } existing ? await Accounts.GetForEditAsync(existing) : await Accounts.NewAsync();

    protected override Task<RecordSaveResult> SaveModelAsync(int? id, AccountModel model) => Accounts.SaveAsync(id, model);
}
