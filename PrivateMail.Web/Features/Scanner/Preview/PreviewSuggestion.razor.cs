using System.Globalization;
using Microsoft.AspNetCore.Components;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner.Preview;

public sealed partial class PreviewSuggestion
{
    /// <summary>More messages than this since the start date make the first save with Create ticket suggest the preview.</summary>
    public const int Threshold = 100;

    private static readonly TimeSpan CountBound = TimeSpan.FromSeconds(5);

    private int? _count;
    private bool _answered;

    [Inject]
    public required PreviewService Previews { get; init; }

    [Inject]
    public required MySettings.UserTimeProvider Clock { get; init; }

    /// <summary>The mailbox form as it is now.</summary>
    [Parameter, EditorRequired]
    public required MailboxModel Model { get; set; }

    /// <summary>The user chose to preview first (nothing was saved).</summary>
    [Parameter]
    public EventCallback Preview { get; set; }

    /// <summary>The user chose to save anyway.</summary>
    [Parameter]
    public EventCallback Continue { get; set; }

    /// <summary>
    /// Before the first save: true when the suggestion is now shown instead of saving — Create ticket is on and the
    /// folders hold more than <see cref="Threshold"/> messages since the start date. Asked once; a server that cannot be
    /// counted suggests nothing (the save itself reports what is wrong).
    /// </summary>
    public async Task<bool> SuggestAsync(CancellationToken cancellationToken = default)
    {
        if (Model.Exists || _answered || !Model.Actions.HasFlag(ScannerActions.CreateTicket))
        {
            return false;
        }

        if (_count is not null)
        {
            return true;
        }

        int? count;
        using (var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            // The save must not wait long for a hint: a server slow to answer just gets no suggestion.
            bound.CancelAfter(CountBound);
            try
            {
                count = await Previews.CountAsync(Model, bound.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                count = null;
            }
        }

        if (count is not > Threshold)
        {
            return false;
        }

        _count = count;
        StateHasChanged();
        return true;
    }

    private string Text(int count) => string.Format(CultureInfo.CurrentCulture, RuleToolsStrings.SuggestText, count,
        Model.ImportSince is { } since ? since.ToString(Clock.DateFormat, CultureInfo.InvariantCulture) : "—");

    private async Task PreviewAsync()
    {
        _count = null;
        _answered = true;
        await Preview.InvokeAsync();
    }

    private async Task ContinueAsync()
    {
        _count = null;
        _answered = true;
        await Continue.InvokeAsync();
    }
}
