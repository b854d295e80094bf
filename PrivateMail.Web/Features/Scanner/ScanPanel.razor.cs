using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateMail.Web.Data;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner;

public sealed partial class ScanPanel
{
    private int? _mailboxId;
    private ScanProgress? _running;
    private IReadOnlyList<ScanRunRow> _history = [];
    private IReadOnlyList<FailedMessageRow> _failed = [];
    private int? _reprocessing;

    [Inject]
    public required ScanService Scans { get; init; }

    [Inject]
    public required ScanCoordinator Coordinator { get; init; }

    [Inject]
    public required FailedMessageService FailedMessages { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>Changes when the mailbox was saved: the first save creates the mailbox this panel scans.</summary>
    [Parameter]
    public int Revision { get; set; }

    /// <summary>Called when a scan of the mailbox ends: it may have locked or unlocked the mailbox.</summary>
    [Parameter]
    public EventCallback Finished { get; set; }

    protected override void OnInitialized() => Coordinator.Progress += OnProgress;

    protected override async Task OnParametersSetAsync()
    {
        _mailboxId = await Scans.OwnMailboxIdAsync();
        if (_mailboxId is { } id)
        {
            _running = Coordinator.Current(id) ?? (Coordinator.IsRunning(id) ? new ScanProgress(id, 0, ScanRunStatus.Running, 0, 0, 0, 0, 0, 0, 0, null) : null);
            _history = await Scans.HistoryAsync();
            _failed = await FailedMessages.OwnUnresolvedAsync();
        }
    }

    private void OnProgress(ScanProgress progress)
    {
        if (progress.MailboxId != _mailboxId)
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            _running = progress.Status == ScanRunStatus.Running ? progress : null;
            _history = await Scans.HistoryAsync();
            _failed = await FailedMessages.OwnUnresolvedAsync();
            StateHasChanged();
            if (progress.Status != ScanRunStatus.Running)
            {
                await Finished.InvokeAsync();
            }
        });
    }

    private async Task ScanNowAsync()
    {
        if (await Scans.ScanNowAsync())
        {
            _running ??= new ScanProgress(_mailboxId ?? 0, 0, ScanRunStatus.Running, 0, 0, 0, 0, 0, 0, 0, null);
            Snackbar.Add(MailboxStrings.ScanStarted, Severity.Info);
        }
        else
        {
            Snackbar.Add(MailboxStrings.ScanAlreadyRunning, Severity.Warning);
        }
    }

    private async Task StopAsync() => await Scans.StopAsync();

    private async Task ReprocessAsync(int failedId)
    {
        _reprocessing = failedId;
        try
        {
            var error = await FailedMessages.ReprocessAsync(failedId);
            if (error is null)
            {
                Snackbar.Add(MailboxStrings.FailedReprocessed, Severity.Success);
            }
            else
            {
                Snackbar.Add(string.Format(System.Globalization.CultureInfo.CurrentCulture, MailboxStrings.FailedStillFailing, error), Severity.Error);
            }

            _failed = await FailedMessages.OwnUnresolvedAsync();
        }
        finally
        {
            _reprocessing = null;
        }
    }

    private static string StatusText(ScanRunStatus status) => status switch
    {
        ScanRunStatus.Running => MailboxStrings.ScanRunRunning,
        ScanRunStatus.Stopped => MailboxStrings.ScanRunStopped,
        ScanRunStatus.Error => MailboxStrings.ScanRunError,
        _ => MailboxStrings.ScanRunDone,
    };

    private static string FormatSize(long bytes) => bytes >= 1024 * 1024
        ? (bytes / 1024d / 1024d).ToString("0.0", System.Globalization.CultureInfo.CurrentCulture) + " MB"
        : Math.Max(1, (bytes + 1023) / 1024).ToString(System.Globalization.CultureInfo.CurrentCulture) + " KB";

    public void Dispose() => Coordinator.Progress -= OnProgress;
}
