using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner.Settings;

/// <summary>System configuration → Mail tools → Scanner settings: the scanner's limits, ticket cap and ambiguity policy.</summary>
public sealed partial class ScannerSettingsPage
{
    private ScannerSettingsForm? _form;
    private ScannerSettingsForm? _defaults;
    private bool _customised;
    private bool _busy;
    private Dictionary<string, string> _errors = new(StringComparer.Ordinal);

    [Inject]
    public required ScannerSettingsAdmin Settings { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    /// <summary>A number field: its form property, label and accessors.</summary>
    private sealed record NumberField(string Name, string Label, Func<ScannerSettingsForm, long?> Get, Action<ScannerSettingsForm, long?> Set, bool Optional = false);

    private static readonly NumberField[] ScheduleFields =
    [
        new(nameof(ScannerSettingsForm.IntervalMinutes), ScannerSettingsStrings.IntervalMinutes, f => f.IntervalMinutes, (f, v) => f.IntervalMinutes = (int?)v),
        new(nameof(ScannerSettingsForm.IntervalSeconds), ScannerSettingsStrings.IntervalSeconds, f => f.IntervalSeconds, (f, v) => f.IntervalSeconds = (int?)v, Optional: true),
        new(nameof(ScannerSettingsForm.BatchSize), ScannerSettingsStrings.BatchSize, f => f.BatchSize, (f, v) => f.BatchSize = (int?)v),
        new(nameof(ScannerSettingsForm.BatchKilobytes), ScannerSettingsStrings.BatchKilobytes, f => f.BatchKilobytes, (f, v) => f.BatchKilobytes = v),
        new(nameof(ScannerSettingsForm.MaxMessagesPerRun), ScannerSettingsStrings.MaxMessagesPerRun, f => f.MaxMessagesPerRun, (f, v) => f.MaxMessagesPerRun = (int?)v),
        new(nameof(ScannerSettingsForm.TimeBudgetSeconds), ScannerSettingsStrings.TimeBudgetSeconds, f => f.TimeBudgetSeconds, (f, v) => f.TimeBudgetSeconds = (int?)v),
        new(nameof(ScannerSettingsForm.MaxMessageKilobytes), ScannerSettingsStrings.MaxMessageKilobytes, f => f.MaxMessageKilobytes, (f, v) => f.MaxMessageKilobytes = v),
        new(nameof(ScannerSettingsForm.LockedRetryMinutes), ScannerSettingsStrings.LockedRetryMinutes, f => f.LockedRetryMinutes, (f, v) => f.LockedRetryMinutes = (int?)v),
        new(nameof(ScannerSettingsForm.HistoryRetentionDays), ScannerSettingsStrings.HistoryRetentionDays, f => f.HistoryRetentionDays, (f, v) => f.HistoryRetentionDays = (int?)v),
    ];

    private static readonly NumberField TicketCapField = new(
        nameof(ScannerSettingsForm.TicketCapPerSenderPerHour), ScannerSettingsStrings.TicketCapPerSenderPerHour,
        f => f.TicketCapPerSenderPerHour, (f, v) => f.TicketCapPerSenderPerHour = (int?)v);

    protected override async Task OnInitializedAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        var (current, customised, defaults) = await Settings.GetAsync();
        _form = current;
        _defaults = defaults;
        _customised = customised;
    }

    private async Task SaveAsync()
    {
        if (_form is null)
        {
            return;
        }

        _busy = true;
        try
        {
            var result = await Settings.SaveAsync(_form);
            _errors = new Dictionary<string, string>(result.FieldErrors, StringComparer.Ordinal);
            if (result.Succeeded)
            {
                _customised = true;
                Snackbar.Add(ScannerSettingsStrings.Saved, Severity.Success);
            }
            else
            {
                // The typed values stay in the form; each wrong field says why.
                Snackbar.Add(ScannerSettingsStrings.FixErrors, Severity.Error);
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task ResetAsync()
    {
        _busy = true;
        try
        {
            await Settings.ResetAsync();
            _errors.Clear();
            await LoadAsync();
            Snackbar.Add(ScannerSettingsStrings.ResetDone, Severity.Success);
        }
        finally
        {
            _busy = false;
        }
    }

    private RenderFragment Number(NumberField field) => builder =>
    {
        var form = _form!;
        var (min, max) = ScannerSettingsAdmin.RangeOf(field.Name);
        var fallback = field.Get(_defaults!);
        var help = field.Optional
            ? string.Format(CultureInfo.CurrentCulture, ScannerSettingsStrings.OptionalRangeHelp, min, max)
            : string.Format(CultureInfo.CurrentCulture, ScannerSettingsStrings.RangeHelp, min, max, fallback);
        var error = _errors.GetValueOrDefault(field.Name);
        builder.OpenComponent<MudNumericField<long?>>(0);
        builder.AddComponentParameter(1, nameof(MudNumericField<long?>.Label), field.Label);
        builder.AddComponentParameter(2, nameof(MudNumericField<long?>.Value), field.Get(form));
        builder.AddComponentParameter(3, nameof(MudNumericField<long?>.ValueChanged),
            EventCallback.Factory.Create<long?>(this, value => field.Set(form, value)));
        builder.AddComponentParameter(5, nameof(MudNumericField<long?>.HelperText), help);
        builder.AddComponentParameter(6, nameof(MudNumericField<long?>.Error), error is not null);
        builder.AddComponentParameter(7, nameof(MudNumericField<long?>.ErrorText), error);
        builder.AddComponentParameter(8, nameof(MudNumericField<long?>.Variant), Variant.Outlined);
        builder.AddComponentParameter(9, nameof(MudNumericField<long?>.Immediate), true);
        builder.AddComponentParameter(10, nameof(MudNumericField<long?>.HideSpinButtons), true);
        builder.AddComponentParameter(11, "id", $"scanner-settings-{field.Name}");
        builder.CloseComponent();
    };

    private static string PolicyLabel(AmbiguityPolicy policy) => policy switch
    {
        AmbiguityPolicy.BindNoneAndFlag => ScannerSettingsStrings.PolicyBindNoneAndFlag,
        AmbiguityPolicy.BindMostRecentlyModified => ScannerSettingsStrings.PolicyBindMostRecentlyModified,
        _ => ScannerSettingsStrings.PolicyBindAll,
    };
}
