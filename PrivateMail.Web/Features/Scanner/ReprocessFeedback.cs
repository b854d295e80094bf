using MudBlazor;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>The snackbar a reprocessing request ends with, the same on the Mailbox tab and in Mail tools.</summary>
internal static class ReprocessFeedback
{
    public static void Show(ISnackbar snackbar, ReprocessResult result)
    {
        switch (result.Status)
        {
            case ReprocessStatus.Processed:
                snackbar.Add(MailboxStrings.FailedReprocessed, Severity.Success);
                break;
            case ReprocessStatus.Busy:
                snackbar.Add(MailboxStrings.FailedBusy, Severity.Warning);
                break;
            default:
                snackbar.Add(string.Format(System.Globalization.CultureInfo.CurrentCulture, MailboxStrings.FailedStillFailing, result.Error), Severity.Error);
                break;
        }
    }
}
