using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner.Settings;

/// <summary>The outcome of saving: the values now in force, or an error per field (keyed by the form's property name).</summary>
public sealed record ScannerSettingsResult(bool Succeeded, IReadOnlyDictionary<string, string> FieldErrors);

/// <summary>
/// System configuration → Mail tools → Scanner settings, for administrators only (checked here, not just by the page):
/// reads the effective values, validates against the ranges <see cref="ScannerOptions"/> declares, stores the one row
/// and makes the scanner see it at its next run.
/// </summary>
public sealed class ScannerSettingsAdmin(IDbContextFactory<AppDbContext> dbFactory, ScannerSettingsService settings, CurrentUser currentUser, TimeProvider time)
{
    /// <summary>Each form field: the option it sets and how many of the option's units one typed unit is.</summary>
    private static readonly Field[] Fields =
    [
        new(nameof(ScannerSettingsForm.IntervalMinutes), nameof(ScannerOptions.IntervalMinutes), 1, f => f.IntervalMinutes),
        new(nameof(ScannerSettingsForm.IntervalSeconds), nameof(ScannerOptions.IntervalSeconds), 1, f => f.IntervalSeconds, Optional: true),
        new(nameof(ScannerSettingsForm.BatchSize), nameof(ScannerOptions.BatchSize), 1, f => f.BatchSize),
        new(nameof(ScannerSettingsForm.BatchKilobytes), nameof(ScannerOptions.BatchBytes), 1024, f => f.BatchKilobytes),
        new(nameof(ScannerSettingsForm.MaxMessagesPerRun), nameof(ScannerOptions.MaxMessagesPerRun), 1, f => f.MaxMessagesPerRun),
        new(nameof(ScannerSettingsForm.TimeBudgetSeconds), nameof(ScannerOptions.TimeBudget), TimeSpan.TicksPerSecond, f => f.TimeBudgetSeconds),
        new(nameof(ScannerSettingsForm.MaxMessageKilobytes), nameof(ScannerOptions.MaxMessageBytes), 1024, f => f.MaxMessageKilobytes),
        new(nameof(ScannerSettingsForm.LockedRetryMinutes), nameof(ScannerOptions.LockedRetryInterval), TimeSpan.TicksPerMinute, f => f.LockedRetryMinutes),
        new(nameof(ScannerSettingsForm.HistoryRetentionDays), nameof(ScannerOptions.HistoryRetention), TimeSpan.TicksPerDay, f => f.HistoryRetentionDays),
        new(nameof(ScannerSettingsForm.TicketCapPerSenderPerHour), nameof(ScannerOptions.TicketCapPerSenderPerHour), 1, f => f.TicketCapPerSenderPerHour),
    ];

    /// <summary>The values in force, whether they are an administrator's, and the configured defaults.</summary>
    public async Task<(ScannerSettingsForm Current, bool Customised, ScannerSettingsForm Defaults)> GetAsync(CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        var current = await settings.GetAsync(cancellationToken);
        return (ScannerSettingsForm.From(current), await settings.IsCustomisedAsync(cancellationToken), ScannerSettingsForm.From(settings.Defaults));
    }

    /// <summary>The range a field accepts, in its typed unit (for the helper text and the error).</summary>
    public static (long Min, long Max) RangeOf(string formField)
    {
        var field = Fields.Single(f => f.FormName == formField);
        var range = typeof(ScannerOptions).GetProperty(field.OptionName)!.GetCustomAttribute<RangeAttribute>()!;
        return ((long)Math.Ceiling(InOptionUnits(range.Minimum) / field.Unit), (long)Math.Floor(InOptionUnits(range.Maximum) / field.Unit));
    }

    /// <summary>Every field outside its range (or empty when required), with a message in the user's language.</summary>
    public static Dictionary<string, string> Validate(ScannerSettingsForm form)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in Fields)
        {
            var value = field.Get(form);
            if (value is null)
            {
                if (!field.Optional)
                {
                    errors[field.FormName] = Strings.ValidationRequired;
                }

                continue;
            }

            var (min, max) = RangeOf(field.FormName);
            if (value < min || value > max)
            {
                errors[field.FormName] = string.Format(CultureInfo.CurrentCulture, ScannerSettingsStrings.ValidationRange, min, max);
            }
        }

        return errors;
    }

    /// <summary>Validates and stores every value (or none); the next run uses them.</summary>
    public async Task<ScannerSettingsResult> SaveAsync(ScannerSettingsForm form, CancellationToken cancellationToken = default)
    {
        var userId = await DemandAdministratorAsync();
        var errors = Validate(form);
        if (errors.Count > 0)
        {
            return new ScannerSettingsResult(false, errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.ScannerAdminSettings.SingleOrDefaultAsync(s => s.Id == ScannerAdminSettings.SingletonId, cancellationToken);
        if (row is null)
        {
            row = new ScannerAdminSettings();
            db.ScannerAdminSettings.Add(row);
        }

        row.IntervalMinutes = form.IntervalMinutes!.Value;
        row.IntervalSeconds = form.IntervalSeconds;
        row.BatchSize = form.BatchSize!.Value;
        row.BatchBytes = form.BatchKilobytes!.Value * 1024;
        row.MaxMessagesPerRun = form.MaxMessagesPerRun!.Value;
        row.TimeBudget = TimeSpan.FromSeconds(form.TimeBudgetSeconds!.Value);
        row.MaxMessageBytes = form.MaxMessageKilobytes!.Value * 1024;
        row.LockedRetryInterval = TimeSpan.FromMinutes(form.LockedRetryMinutes!.Value);
        row.HistoryRetention = TimeSpan.FromDays(form.HistoryRetentionDays!.Value);
        row.TicketCapPerSenderPerHour = form.TicketCapPerSenderPerHour!.Value;
        row.AmbiguityPolicy = Enum.IsDefined(form.AmbiguityPolicy) ? form.AmbiguityPolicy : default;
        row.UpdatedAt = time.GetUtcNow();
        row.UpdatedById = userId;

        // The same declared rules the configuration is held to, as a last check on what is about to be stored.
        var effective = ScannerSettingsService.Overlay(settings.Defaults, row);
        if (!Validator.TryValidateObject(effective, new ValidationContext(effective), null, validateAllProperties: true))
        {
            throw new InvalidOperationException("Scanner settings outside their declared ranges passed the field checks.");
        }

        await db.SaveChangesAsync(cancellationToken);
        settings.Invalidate();
        return new ScannerSettingsResult(true, new Dictionary<string, string>());
    }

    /// <summary>Deletes the administrator's row: the configured defaults apply again from the next run.</summary>
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.ScannerAdminSettings.Where(s => s.Id == ScannerAdminSettings.SingletonId).ExecuteDeleteAsync(cancellationToken);
        settings.Invalidate();
    }

    private static double InOptionUnits(object bound) => bound switch
    {
        string text => TimeSpan.Parse(text, CultureInfo.InvariantCulture).Ticks,
        _ => Convert.ToDouble(bound, CultureInfo.InvariantCulture),
    };

    private async Task<string> DemandAdministratorAsync()
    {
        var id = await currentUser.GetRequiredIdAsync();
        if (!await currentUser.IsAdministratorAsync())
        {
            throw new UnauthorizedAccessException("Administrators only.");
        }

        return id;
    }

    private sealed record Field(string FormName, string OptionName, double Unit, Func<ScannerSettingsForm, long?> Get, bool Optional = false);
}
