namespace PrivateMail.Web.Features.MySettings;

/// <summary>The IANA time zones this machine knows, for the time zone picker.</summary>
public static class TimeZones
{
    private static readonly Lazy<IReadOnlyList<string>> Ids = new(() =>
        TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id).Append("UTC").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());

    public static IReadOnlyList<string> All => Ids.Value;

    public static bool IsKnown(string? id) => id is not null && All.Contains(id, StringComparer.Ordinal);
}
