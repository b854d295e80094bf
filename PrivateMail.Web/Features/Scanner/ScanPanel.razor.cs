using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateMail.Web.Data;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner;

public sealed partial class ScanPanel
{
    private int? _outcomesRun;

    private void ToggleOutcomes(int runId) => _outcomesRun = _outcomesRun == runId ? null : runId;

    private int? _mailboxId;
    private int? _subscribedTo;
    private IDisposable? _subscription;
    private ScanProgress? _running;
    private IReadOnlyList<ScanRunRow> _history = [];
    private IReadOnlyList<FailedMessageRow> _failed = [];
    private IReadOnlyList<CappedSender> _capped = [];

    [Inject]
    public required ScanService Scans { get; init; }

    [Inject]
    public required ScanCoordinator Coordinator { get; init; }

    [Inject]
    public required FailedMessageService FailedMessages { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    [Inject]
    public required MySettings.UserTimeProvider Clock { get; init; }

    /// <summary>Changes when the mailbox was saved: the first save creates the mailbox this panel scans.</summary>
    [Parameter]
    public int Revision { get; set; }

    /// <summary>Called when a scan of the mailbox ends: it may have locked or unlocked the mailbox.</summary>
    [Parameter]
    public EventCallback Finished { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        _mailboxId = await Scans.OwnMailboxIdAsync();
        if (_subscribedTo != _mailboxId)
        {
            // Only this mailbox's scans; subscribed before the current state is read, so no step falls between.
            _subscription?.Dispose();
            _subscription = _mailboxId is { } mailboxId ? Coordinator.Subscribe(mailboxId, OnProgress) : null;
            _subscribedTo = _mailboxId;
        }

        await Clock.LoadAsync();
        if (_mailboxId is { } id)
        {
            _running = Coordinator.Current(id) ?? (Coordinator.IsRunning(id) ? new ScanProgress(id, 0, ScanRunStatus.Running, 0, 0, 0, 0, 0, 0, 0, null) : null);
            _history = await Scans.HistoryAsync();
            _failed = await FailedMessages.OwnUnresolvedAsync();
            _capped = await Scans.CappedSendersAsync();
        }
    }

    private void OnProgress(ScanProgress progress)
    {
        _ = InvokeAsync(async () =>
        {
            _running = progress.Status == ScanRunStatus.Running ? progress : null;
            _history = await Scans.HistoryAsync();
            // The run may have finished while the history loaded (its end is announced a moment later): the row and
            // the buttons must agree, so a finished row never shows beside Stop.
            if (_running is { } running && _history.FirstOrDefault(h => h.Id == running.RunId) is { Status: not ScanRunStatus.Running })
            {
                _running = null;
            }

            _failed = await FailedMessages.OwnUnresolvedAsync();
            if (progress.Status != ScanRunStatus.Running)
            {
                _capped = await Scans.CappedSendersAsync();
            }

            StateHasChanged();
            if (progress.Status != ScanRunStatus.Running)
            {
                await Finished.InvokeAsync();
            }
        });
    }

    private async Task ScanNowAsync()
    {
        bool started;
        try
        {
            started = await Scans.ScanNowAsync();
        }
        catch (Security.AttemptLimitExceededException e)
        {
            Snackbar.Add(e.Message, Severity.Warning);
            return;
        }
        catch (ScanRunningElsewhereException e)
        {
            Snackbar.Add(e.Message, Severity.Info);
            return;
        }

        if (started)
        {
            // A short scan may have finished (and OnProgress cleared _running) before this line runs: show it as
            // running only while the coordinator still says so, else the panel would keep a Stop button for good.
            var id = _mailboxId ?? 0;
            _running ??= Coordinator.Current(id) switch
            {
                { Status: ScanRunStatus.Running } current => current,
                null when Coordinator.IsRunning(id) => new ScanProgress(id, 0, ScanRunStatus.Running, 0, 0, 0, 0, 0, 0, 0, null),
                _ => null,
            };
            Snackbar.Add(MailboxStrings.ScanStarted, Severity.Info);
        }
        else
        {
            Snackbar.Add(MailboxStrings.ScanAlreadyRunning, Severity.Warning);
        }
    }

    private async Task StopAsync() => await Scans.StopAsync();

    private async Task ReloadFailedAsync() => _failed = await FailedMessages.OwnUnresolvedAsync();

    public void Dispose() => _subscription?.Dispose();
}
