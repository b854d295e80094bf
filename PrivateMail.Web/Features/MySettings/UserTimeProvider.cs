using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Users;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.MySettings;

/// <summary>
/// The signed-in user's clock, one per circuit: the app's <see cref="TimeProvider"/> for "now", with the user's time zone
/// (My settings) as <see cref="LocalTimeZone"/>, falling back to the server's, and their date format for display.
/// <see cref="LoadAsync"/> reads the settings once. Background work without a signed-in user keeps the system clock and
/// converts with <see cref="FindZone"/>.
/// </summary>
public sealed class UserTimeProvider(IDbContextFactory<AppDbContext> dbFactory, CurrentUser currentUser, TimeProvider time) : TimeProvider
{
    private TimeZoneInfo? _zone;
    private string _dateFormat = DateFormats.Default;
    private bool _loaded;

    /// <summary>The user's zone once loaded; the server's before (or when their setting names no known zone).</summary>
    public override TimeZoneInfo LocalTimeZone => _zone ?? time.LocalTimeZone;

    /// <summary>The user's date format (My settings), e.g. <c>dd.MM.yyyy</c>.</summary>
    public string DateFormat => _dateFormat;

    /// <summary>The user's today.</summary>
    public DateOnly Today => DateOnly.FromDateTime(GetLocalNow().DateTime);

    public override DateTimeOffset GetUtcNow() => time.GetUtcNow();

    public override long GetTimestamp() => time.GetTimestamp();

    public override long TimestampFrequency => time.TimestampFrequency;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        time.CreateTimer(callback, state, dueTime, period);

    /// <summary>Reads the user's settings once per circuit.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        if (!_loaded)
        {
            await ReloadAsync(cancellationToken);
        }
    }

    /// <summary>Reads the user's settings again: for pages that must show a change made meanwhile (My settings).</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        var userId = await currentUser.GetRequiredIdAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var preferences = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.TimeZone, u.DateFormat }).SingleOrDefaultAsync(cancellationToken);
        if (preferences is not null)
        {
            _zone = FindZone(preferences.TimeZone, time);
            _dateFormat = DateFormats.IsSupported(preferences.DateFormat) ? preferences.DateFormat : DateFormats.Default;
        }

        _loaded = true;
    }

    /// <summary>
    /// A user's zone by its id from their settings, else the server's (<paramref name="server"/>'s local zone): the one
    /// conversion rule for code that works for a user who is not the one signed in (the scanner, an owner's mailbox).
    /// </summary>
    public static TimeZoneInfo FindZone(string? id, TimeProvider server) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : server.LocalTimeZone;

    /// <summary>A moment in the user's zone.</summary>
    public DateTimeOffset ToLocal(DateTimeOffset moment) => TimeZoneInfo.ConvertTime(moment, LocalTimeZone);

    /// <summary>Date and time in the user's zone: <c>2026-03-04 10:15</c>.</summary>
    public string Format(DateTimeOffset moment) => ToLocal(moment).ToString(_dateFormat + " HH:mm", CultureInfo.InvariantCulture);

    /// <summary>To the second, for logs a person reads (scan runs, failed messages): <c>2026-03-04 10:15:42</c>.</summary>
    public string FormatPrecise(DateTimeOffset moment) => ToLocal(moment).ToString(_dateFormat + " HH:mm:ss", CultureInfo.InvariantCulture);

    public string FormatDate(DateTimeOffset moment) => ToLocal(moment).ToString(_dateFormat, CultureInfo.InvariantCulture);

    /// <summary>A moment as its writer saw it, with their offset: <c>2026-03-04 10:15 (UTC+01:00)</c>.</summary>
    public string FormatWithOffset(DateTimeOffset original)
    {
        var offset = original.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return original.ToString(_dateFormat + " HH:mm", CultureInfo.InvariantCulture)
            + string.Create(CultureInfo.InvariantCulture, $" (UTC{sign}{offset.Duration():hh\\:mm})");
    }
}
