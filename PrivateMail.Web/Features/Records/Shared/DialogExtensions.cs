using MudBlazor;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Shared;

public static class DialogExtensions
{
    /// <summary>Asks before deleting; true only when the user clicked Delete.</summary>
    public static async Task<bool> ConfirmDeleteAsync(this IDialogService dialogs, string message)
    {
        var answer = await dialogs.ShowMessageBoxAsync(
            RecordStrings.DeleteConfirmTitle, message, yesText: RecordStrings.Delete, cancelText: Strings.Cancel,
            options: new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true });
        return answer == true;
    }
}
