using Microsoft.AspNetCore.Components;
using PrivateMail.Web.Data;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner;

public sealed partial class ScanOutcomesTable
{
    private ScanOutcomePage? _page;
    private int? _loadedRun;

    [Inject]
    public required ScanOutcomeService Outcomes { get; init; }

    /// <summary>The run whose messages are listed.</summary>
    [Parameter, EditorRequired]
    public int RunId { get; set; }

    /// <summary>The element id (tests and anchors).</summary>
    [Parameter]
    public string Id { get; set; } = "scan-outcomes";

    /// <summary>Called by the Close button; without it there is none.</summary>
    [Parameter]
    public EventCallback Closed { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedRun != RunId)
        {
            _loadedRun = RunId;
            await LoadAsync(1);
        }
    }

    private async Task LoadAsync(int page) => _page = await Outcomes.PageAsync(RunId, page);

    internal static string Label(ScanOutcomeKind kind) => kind switch
    {
        ScanOutcomeKind.Stored => ScannerStrings.OutcomeStored,
        ScanOutcomeKind.Duplicate => ScannerStrings.OutcomeDuplicate,
        ScanOutcomeKind.NotStored => ScannerStrings.OutcomeNotStored,
        ScanOutcomeKind.Skipped => ScannerStrings.OutcomeSkipped,
        _ => ScannerStrings.OutcomeQuarantined,
    };
}
