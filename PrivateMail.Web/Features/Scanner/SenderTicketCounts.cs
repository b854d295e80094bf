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

    // Senders whose stored count was read already (by the read-ahead's task; locked, as a preview reads on its own).
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public int CreatedInLastHour(string sender) => _counts.GetValueOrDefault(sender);

    /// <summary>A ticket was decided for <paramref name="sender"/>: the next decision counts it.</summary>
    public void Created(string sender) => _counts[sender] = _counts.GetValueOrDefault(sender) + 1;

    /// <summary>Reads the counts of senders not seen before in this run, in one query.</summary>
    public async Task LoadAsync(AppDbContext db, IEnumerable<string> senders, CancellationToken cancellationToken)
    {
        var unseen = senders.Where(s => !_counts.ContainsKey(s)).Distinct(StringComparer.Ordinal).ToList();
        if (unseen.Count > 0)
        {
            Seed(await ReadAsync(db, unseen, cancellationToken));
        }
    }

    /// <summary>
    /// The stored counts of these senders, in one query, changing nothing here: safe to run beside the decisions (the
    /// scanner reads the next batch's senders while the writer decides this one's). Only a sender this run has not seen
    /// takes the value (<see cref="Seed"/>): one it has seen is counted exactly in memory already, and for one it has
    /// not, this run created nothing, so when the query ran does not matter. A sender read before is not read again: the
    /// value read first is the one <see cref="Seed"/> keeps (most of a scan's senders write more than once).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, int>> ReadAsync(AppDbContext db, IEnumerable<string> senders, CancellationToken cancellationToken)
    {
        var wanted = senders.Distinct(StringComparer.Ordinal).ToList();
        lock (_read)
        {
            wanted.RemoveAll(sender => !_read.Add(sender));
        }

        var counts = new Dictionary<string, int>(wanted.Count, StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return counts;
        }

        foreach (var sender in wanted)
        {
            counts[sender] = 0;
        }

        // A raw statement prepared once per connection (see RecordLookupCommands), as the batch's record queries.
        var found = await RecordLookupCommands.UseAsync(db, commands => commands.SenderTicketCountsAsync(wanted, ownerId, since, cancellationToken), cancellationToken);
        foreach (var (sender, count) in found)
        {
            if (counts.ContainsKey(sender))
            {
                counts[sender] = count;
            }
        }

        return counts;
    }

    /// <summary>Takes the stored counts of senders this run has not seen yet.</summary>
    public void Seed(IReadOnlyDictionary<string, int> counts)
    {
        foreach (var (sender, count) in counts)
        {
            _counts.TryAdd(sender, count);
        }
    }
}
