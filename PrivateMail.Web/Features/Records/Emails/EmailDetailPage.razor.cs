using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Emails;

public sealed partial class EmailDetailPage
{
    private EmailDetails? _email;
    private bool _loaded;

    [Parameter]
    public int Id { get; set; }

    [Inject]
    public required EmailService Emails { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    protected override CrmModule Module => CrmModule.Emails;

    protected override async Task LoadAsync()
    {
        _email = await Emails.GetAsync(Id);
        _loaded = true;
    }

    private async Task ReloadAsync() => _email = await Emails.GetAsync(Id);

    /// <summary>A <c>cid:</c> image of the body → its inline attachment's address (exact Content-ID first).</summary>
    private string? ResolveContentId(string contentId) =>
        EmailBody.ResolveIn(_email?.Attachments.Select(a => (a.ContentId, a.Url)) ?? [], contentId);

    private async Task LinkAsync()
    {
        if (_email is null)
        {
            return;
        }

        var parameters = new DialogParameters<LinkRecordDialog> { { d => d.EmailId, _email.Id } };
        var dialog = await Dialogs.ShowAsync<LinkRecordDialog>(RecordStrings.LinkToRecord, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add(RecordStrings.Linked, Severity.Success);
            _email = await Emails.GetAsync(_email.Id);
        }
    }

    private async Task UnlinkAsync(EmailLinkInfo link)
    {
        if (_email is null)
        {
            return;
        }

        if (await Emails.UnlinkAsync(_email.Id, link.Kind, link.RecordId))
        {
            Snackbar.Add(string.Format(RecordStrings.Unlinked, link.Label), Severity.Success);
        }

        _email = await Emails.GetAsync(_email.Id);
    }

    private async Task DeleteAsync()
    {
        if (_email is null || !await Dialogs.ConfirmDeleteAsync(string.Format(RecordStrings.DeleteEmailConfirm, RelatedEmails.Subject(_email.Subject))))
        {
            return;
        }

        if (await Emails.DeleteAsync(_email.Id))
        {
            Snackbar.Add(string.Format(RecordStrings.Deleted, RelatedEmails.Subject(_email.Subject)), Severity.Success);
            Navigation.NavigateTo("emails");
        }
        else
        {
            Snackbar.Add(RecordStrings.RecordGone, Severity.Warning);
        }
    }

    private static string Dash(string? value) => string.IsNullOrWhiteSpace(value) ? "—" : value;

    internal static string FileSize(long bytes) => bytes switch
    {
        < 1024 => string.Format(CultureInfo.CurrentCulture, "{0} B", bytes),
        < 1024 * 1024 => string.Format(CultureInfo.CurrentCulture, "{0:0.#} KB", bytes / 1024.0),
        _ => string.Format(CultureInfo.CurrentCulture, "{0:0.#} MB", bytes / 1024.0 / 1024.0),
    };

    internal static string KindLabel(RecordKind kind) => kind switch
    {
        RecordKind.Contact => RecordStrings.KindContact,
        RecordKind.Account => RecordStrings.KindAccount,
        RecordKind.Lead => RecordStrings.KindLead,
        RecordKind.Ticket => RecordStrings.KindTicket,
        _ => RecordStrings.KindUser,
    };

    internal static string KindIcon(RecordKind kind) => kind switch
    {
        RecordKind.Contact => Icons.Material.Outlined.Person,
        RecordKind.Account => Icons.Material.Outlined.Business,
        RecordKind.Lead => Icons.Material.Outlined.TrendingUp,
        RecordKind.Ticket => Icons.Material.Outlined.ConfirmationNumber,
        _ => Icons.Material.Outlined.Badge,
    };
}
