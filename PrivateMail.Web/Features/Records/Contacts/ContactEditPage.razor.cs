using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Features.Records.Accounts;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Contacts;

public sealed partial class ContactEditPage
{
    /// <summary>For a new contact: the account it belongs to (from the account's page).</summary>
    [SupplyParameterFromQuery(Name = "account")]
    public int? AccountId { get; set; }

    [Inject]
    public required ContactService Contacts { get; init; }

    [Inject]
    public required AccountService Accounts { get; init; }

    protected override RecordEditKind Kind { get; } = new(
        CrmModule.Contacts, "contacts", "contact-form", Icons.Material.Outlined.Person,
        () => RecordStrings.NewContact, () => RecordStrings.EditContact, () => RecordStrings.BackToContacts);

    protected override async Task<ContactModel?> LoadModelAsync(int? id) => id is { } existing ? await Contacts.GetForEditAsync(existing) : await Contacts.NewAsync(AccountId);

    protected override Task<RecordSaveResult> SaveModelAsync(int? id, ContactModel model) => Contacts.SaveAsync(id, model);

    private async Task<IEnumerable<RecordOption>> SearchAccountsAsync(string? text, CancellationToken cancellationToken) =>
        await Accounts.SearchOptionsAsync(text, cancellationToken);
}
