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

    [Inject]
    public required ScanService Scans { get; init; }

    [Inject]
    public required ScanCoordinator Coordinator { get; init; }

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

    private static string StatusText(ScanRunStatus status) => status switch
    {
        ScanRunStatus.Running => MailboxStrings.ScanRunRunning,
        ScanRunStatus.Stopped => MailboxStrings.ScanRunStopped,
        ScanRunStatus.Error => MailboxStrings.ScanRunError,
        _ => MailboxStrings.ScanRunDone,
    };

    public void Dispose() => Coordinator.Progress -= OnProgress;
}
