using Microsoft.AspNetCore.Components;
using PrivateMail.Web.Features.Mailboxes;

namespace PrivateMail.Web.Features.Scanner.Preview;

public sealed partial class PreviewPanel : IDisposable
{
    private int _count = PreviewService.DefaultMessages;
    private CancellationTokenSource? _stop;
    private PreviewProgress? _progress;
    private PreviewResult? _result;
    private RuleTester? _tester;

    [Inject]
    public required PreviewService Previews { get; init; }

    /// <summary>The mailbox form as it is now, saved or not: the preview reads with its values.</summary>
    [Parameter, EditorRequired]
    public required MailboxModel Model { get; set; }

    /// <summary>Runs the preview (also when the first save's suggestion chose it).</summary>
    public async Task RunAsync()
    {
        _stop = new CancellationTokenSource();
        _result = null;
        _progress = null;
        try
        {
            _result = await Previews.RunAsync(Model, _count, p => InvokeAsync(() =>
            {
                _progress = p;
                StateHasChanged();
            }), _stop.Token);
        }
        finally
        {
            _stop.Dispose();
            _stop = null;
        }
    }

    private void Stop() => _stop?.Cancel();

    private async Task TestAsync(PreviewRow row)
    {
        if (_tester is not null && row.Snapshot is { } snapshot)
        {
            await _tester.TestAsync(snapshot);
        }
    }

    public void Dispose() => _stop?.Cancel();
}
