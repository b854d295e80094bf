using System.Globalization;
using Microsoft.AspNetCore.Components;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.PastEmails;

public sealed partial class LinkPastEmails
{
    private readonly CancellationTokenSource _lifetime = new();
    private PastEmailTarget? _target;
    private PastEmailJob? _job;
    private PastEmailProgress? _progress;
    private int _offer;

    [Inject]
    public required PastEmailService PastEmails { get; init; }

    /// <summary>The record's kind: contact, account or lead.</summary>
    [Parameter, EditorRequired]
    public RecordKind Kind { get; set; }

    [Parameter, EditorRequired]
    public int RecordId { get; set; }

    /// <summary>When the record was created: a new record offers linking by itself when stored mail matches.</summary>
    [Parameter]
    public DateTimeOffset? CreatedAt { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        try
        {
            await LoadAsync();
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // The page was left while counting: nothing to show any more.
        }
    }

    private async Task LoadAsync()
    {
        _target = await PastEmails.TargetAsync(Kind, RecordId, _lifetime.Token);
        if (_target is null)
        {
            return;
        }

        if (_job is null && await PastEmails.CurrentAsync(Kind, RecordId) is { } running)
        {
            Follow(running);
        }

        if (_job is null && CreatedAt is { } created)
        {
            _offer = await PastEmails.OfferAsync(Kind, RecordId, created, _lifetime.Token);
        }
    }

    private async Task StartAsync()
    {
        _offer = 0;
        if (await PastEmails.StartAsync(Kind, RecordId, _lifetime.Token) is { } job)
        {
            Follow(job);
        }
    }

    private void Follow(PastEmailJob job)
    {
        if (_job is not null)
        {
            _job.Changed -= OnChanged;
        }

        _job = job;
        _progress = job.Progress;
        job.Changed += OnChanged;
    }

    private void OnChanged(PastEmailProgress progress) => _ = InvokeAsync(() =>
    {
        _progress = progress;
        StateHasChanged();
    });

    private void Stop() => _job?.Stop();

    private static string Describe(PastEmailProgress p) => string.Format(CultureInfo.CurrentCulture,
        p.Failed ? RuleToolsStrings.LinkFailed : p.Stopped ? RuleToolsStrings.LinkStopped : p.Finished ? RuleToolsStrings.LinkDone : RuleToolsStrings.LinkProgress,
        p.Linked, p.Checked);

    public void Dispose()
    {
        // The job goes on without the page; only the subscription ends.
        if (_job is not null)
        {
            _job.Changed -= OnChanged;
        }

        _lifetime.Cancel();
        _lifetime.Dispose();
    }
}
