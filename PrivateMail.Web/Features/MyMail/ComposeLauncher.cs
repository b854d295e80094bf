using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateMail.Domain.Users;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MyMail;

/// <summary>How a compose view ended.</summary>
public enum ComposeOutcome
{
    Sent,
    SavedDraft,
    Discarded,
}

/// <summary>Opens the compose view as the user's <em>Open mail in</em> setting says: a dialog over the page, or the compose page.</summary>
public sealed class ComposeLauncher(MailPreferences preferences, IDialogService dialogs, NavigationManager navigation)
{
    /// <summary>The dialog's outcome (null when closed with Escape), or null at once when the page variant was navigated to.</summary>
    public async Task<ComposeOutcome?> OpenAsync(ComposeRequest request)
    {
        if (await preferences.GetOpenModeAsync() == MailOpenMode.Page)
        {
            var target = request.ReturnUrl is null ? request with { ReturnUrl = CurrentLocalUrl() } : request;
            navigation.NavigateTo(target.PageUrl());
            return null;
        }

        var parameters = new DialogParameters<ComposeDialog> { { d => d.Request, request } };
        var options = new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseOnEscapeKey = false, BackdropClick = false, CloseButton = false };
        var dialog = await dialogs.ShowAsync<ComposeDialog>(MyMailStrings.Compose, parameters, options);
        var result = await dialog.Result;
        return result is { Canceled: false, Data: ComposeOutcome outcome } ? outcome : null;
    }

    /// <summary>Whether <see cref="OpenAsync"/> opens a page (the caller may prefer rendering a link then).</summary>
    public async Task<bool> OpensPageAsync() => await preferences.GetOpenModeAsync() == MailOpenMode.Page;

    private string? CurrentLocalUrl()
    {
        var relative = navigation.ToBaseRelativePath(navigation.Uri);
        return relative.Length > 0 && ComposeRequest.IsLocal(relative) && !relative.StartsWith("my-mail/compose", StringComparison.Ordinal) ? relative : null;
    }
}
