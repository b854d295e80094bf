using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Users;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Records.Shared;

/// <summary>Shows moments in the signed-in user's time zone and date format (My settings), once loaded per circuit.</summary>
public sealed class UserClock(IDbContextFactory<AppDbContext> dbFactory, CurrentUser currentUser)
{
    private TimeZoneInfo _zone = TimeZoneInfo.Utc;
    private string _dateFormat = DateFormats.Default;
    private bool _loaded;

    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        if (_loaded)
        {
            return;
        }

        var userId = await currentUser.GetRequiredIdAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var preferences = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new { u.TimeZone, u.DateFormat }).SingleOrDefaultAsync(cancellationToken);
        if (preferences is not null)
        {
            _zone = TimeZoneInfo.TryFindSystemTimeZoneById(preferences.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;
            _dateFormat = DateFormats.IsSupported(preferences.DateFormat) ? preferences.DateFormat : DateFormats.Default;
        }

        _loaded = true;
    }

    /// <summary>Date and time in the user's zone: <c>2026-03-04 10:15</c>.</summary>
    public string Format(DateTimeOffset moment) =>
        TimeZoneInfo.ConvertTime(moment, _zone).ToString(_dateFormat + " HH:mm", CultureInfo.InvariantCulture);

    /// <summary>To the second, for logs a person reads (scan runs, failed messages): <c>2026-03-04 10:15:42</c>.</summary>
    public string FormatPrecise(DateTimeOffset moment) =>
        TimeZoneInfo.ConvertTime(moment, _zone).ToString(_dateFormat + " HH:mm:ss", CultureInfo.InvariantCulture);

    public string FormatDate(DateTimeOffset moment) =>
        TimeZoneInfo.ConvertTime(moment, _zone).ToString(_dateFormat, CultureInfo.InvariantCulture);

    /// <summary>A moment as its writer saw it, with their offset: <c>2026-03-04 10:15 (UTC+01:00)</c>.</summary>
    public string FormatWithOffset(DateTimeOffset original)
    {
        var offset = original.Offset;
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return original.ToString(_dateFormat + " HH:mm", CultureInfo.InvariantCulture)
            + string.Create(CultureInfo.InvariantCulture, $" (UTC{sign}{offset.Duration():hh\\:mm})");
    }
}
