using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>
/// The per-sender ticket cap's count for one run (or preview): tickets of the mailbox owner created from each sender in
/// the hour before the run started, read from the database the first time a sender appears, plus those this run's
/// decisions created since. Durable across runs and restarts, exact within a run.
/// </summary>
internal sealed class SenderTicketCounts(string ownerId, DateTimeOffset since) : ISenderTicketCount
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public int CreatedInLastHour(string sender) => _counts.GetValueOrDefault(sender);

    /// <summary>A ticket was decided for <paramref name="sender"/>: the next decision counts it.</summary>
    public void Created(string sender) => _counts[sender] = _counts.GetValueOrDefault(sender) + 1;

    /// <summary>Reads the counts of senders not seen before in this run, in one query.</summary>
    public async Task LoadAsync(AppDbContext db, IEnumerable<string> senders, CancellationToken cancellationToken)
    {
        var unseen = senders.Where(s => !_counts.ContainsKey(s)).Distinct(StringComparer.Ordinal).ToList();
        if (unseen.Count == 0)
        {
            return;
        }

        var found = await db.Tickets.AsNoTracking()
            .Where(t => t.OwnerId == ownerId && t.SourceSender != null && unseen.Contains(t.SourceSender) && t.CreatedAt >= since)
            .GroupBy(t => t.SourceSender!).Select(g => new { Sender = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        foreach (var sender in unseen)
        {
            _counts[sender] = found.Find(f => f.Sender == sender)?.Count ?? 0;
        }
    }
}
