using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace PrivateMail.Web.Data;

/// <summary>Stores a moment as UTC ticks so SQLite can sort and compare it.</summary>
internal sealed class DateTimeOffsetToUtcTicksConverter()
    : ValueConverter<DateTimeOffset, long>(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
