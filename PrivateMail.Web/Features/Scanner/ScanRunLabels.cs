using PrivateMail.Web.Data;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>How a scan run's status reads, on the Mailbox tab and in Mail tools → Scan history.</summary>
internal static class ScanRunLabels
{
    public static string Status(ScanRunStatus status) => status switch
    {
        ScanRunStatus.Running => MailboxStrings.ScanRunRunning,
        ScanRunStatus.Stopped => MailboxStrings.ScanRunStopped,
        ScanRunStatus.Error => MailboxStrings.ScanRunError,
        ScanRunStatus.Interrupted => ScannerStrings.RunInterrupted,
        _ => MailboxStrings.ScanRunDone,
    };
}
