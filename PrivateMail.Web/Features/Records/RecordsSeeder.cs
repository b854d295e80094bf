using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Records;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Records;

/// <summary>The records' defaults: ticket statuses, the scanner's status mapping and the ticket number sequence. Idempotent.</summary>
public static class RecordsSeeder
{
    public static async Task SeedAsync(AppDbContext db, CancellationToken cancellationToken = default)
    {
        if (!await db.TicketStatuses.AnyAsync(cancellationToken))
        {
            var order = 0;
            db.TicketStatuses.AddRange(TicketStatuses.Defaults.Select(s => new TicketStatus { Name = s.Name, IsClosing = s.IsClosing, SortOrder = ++order }));
            await db.SaveChangesAsync(cancellationToken);
        }

        if (!await db.TicketSettings.AnyAsync(cancellationToken))
        {
            var ids = await db.TicketStatuses.ToDictionaryAsync(s => s.Name, s => s.Id, StringComparer.OrdinalIgnoreCase, cancellationToken);
            var fallback = ids.Values.Min();
            db.TicketSettings.Add(new TicketSettings
            {
                AnswerFromStatusId = ids.GetValueOrDefault(TicketStatuses.DefaultAnswerFrom, fallback),
                AnswerToStatusId = ids.GetValueOrDefault(TicketStatuses.DefaultAnswerTo, fallback),
                ReopenStatusId = ids.GetValueOrDefault(TicketStatuses.DefaultReopen, fallback),
                NewTicketStatusId = ids.GetValueOrDefault(TicketStatuses.DefaultNewTicket, fallback),
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        if (!await db.RecordSequences.AnyAsync(s => s.Name == RecordSequence.Tickets, cancellationToken))
        {
            db.RecordSequences.Add(new RecordSequence { Name = RecordSequence.Tickets, Prefix = RecordNumber.TicketPrefix, Next = 1 });
            await db.SaveChangesAsync(cancellationToken);
        }
    }
}
