using System.Threading.Channels;
using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Features.Scanner.Stages;

/// <summary>One fetched message: its bytes, or (with <see cref="Problem"/>) why it will be quarantined unread.</summary>
internal sealed record FetchedItem(uint Uid, byte[]? Raw, DateTimeOffset? Arrived, string? Problem);

internal sealed record FetchedBatch(IReadOnlyList<FetchedItem> Items);

/// <summary>
/// Stage 1: reads the folder's new messages from the mail source in batches cut by count and bytes, one request per
/// batch. Sizes and arrival dates are asked <see cref="BatchesPerDescription"/> batches' worth of UIDs at a time, just
/// ahead of their bodies (not for the whole folder before the first batch). A message larger than
/// <see cref="ScannerOptions.MaxMessageBytes"/> by its RFC822.SIZE is never downloaded: only its headers are, for the
/// quarantine. Errors travel down the channel after the batches fetched before them, so everything already read is
/// still written.
/// </summary>
internal sealed class FetchStage(IMailSession session, ScannerOptions settings, TimeProvider time)
{
    /// <summary>How many batches' worth of UIDs one request for sizes and dates covers.</summary>
    public const int BatchesPerDescription = 4;

    /// <param name="uids">The new messages' UIDs, ascending.</param>
    /// <param name="stop">Set when the writer needs no more (budget spent, run stopped): ends between requests, never mid-request.</param>
    /// <param name="cancellationToken">The run's own Stop: cancels a request under way.</param>
    public Task RunAsync(IReadOnlyList<uint> uids, DateTimeOffset deadline, ChannelWriter<FetchedBatch> output, StageClock clock, CancellationToken stop, CancellationToken cancellationToken) =>
        RunAsync(DescribedBatchesAsync(uids, deadline, clock, stop, cancellationToken), deadline, output, clock, stop, cancellationToken);

    /// <summary>As above, for messages already described (the preview chose them by their dates).</summary>
    public Task RunAsync(IReadOnlyList<MailItem> items, DateTimeOffset deadline, ChannelWriter<FetchedBatch> output, StageClock clock, CancellationToken stop, CancellationToken cancellationToken) =>
        RunAsync(Batches(items, settings.BatchSize, settings.BatchBytes).ToAsyncEnumerable(), deadline, output, clock, stop, cancellationToken);

    private async Task RunAsync(IAsyncEnumerable<IReadOnlyList<MailItem>> batches, DateTimeOffset deadline, ChannelWriter<FetchedBatch> output, StageClock clock, CancellationToken stop, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            await foreach (var batch in batches.WithCancellation(cancellationToken))
            {
                if (stop.IsCancellationRequested || time.GetUtcNow() >= deadline)
                {
                    break;
                }

                FetchedBatch fetched;
                using (clock.Work())
                {
                    fetched = await FetchBatchAsync(batch, cancellationToken);
                }

                clock.BatchDone();
                using (clock.WaitingForOutput())
                {
                    await output.WriteAsync(fetched, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The writer has what it wants.
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            output.TryComplete(failure);
        }
    }

    /// <summary>
    /// The batches of <see cref="Batches"/>, their items described a few batches at a time; nothing more is described once
    /// the run is stopped or past its deadline.
    /// </summary>
    private async IAsyncEnumerable<IReadOnlyList<MailItem>> DescribedBatchesAsync(
        IReadOnlyList<uint> uids, DateTimeOffset deadline, StageClock clock, CancellationToken stop, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var chunk = Math.Max(1, settings.BatchSize) * BatchesPerDescription;
        for (var start = 0; start < uids.Count; start += chunk)
        {
            if (stop.IsCancellationRequested || time.GetUtcNow() >= deadline)
            {
                yield break;
            }

            IReadOnlyList<MailItem> items;
            using (clock.Work())
            {
                items = await session.DescribeAsync(uids.Skip(start).Take(chunk).ToList(), cancellationToken);
            }

            foreach (var batch in Batches(items, settings.BatchSize, settings.BatchBytes))
            {
                yield return batch;
            }
        }
    }

    private async Task<FetchedBatch> FetchBatchAsync(IReadOnlyList<MailItem> batch, CancellationToken cancellationToken)
    {
        var fetched = new List<FetchedItem>(batch.Count);
        var arrived = batch.ToDictionary(i => i.Uid, i => i.Arrived);
        var whole = new List<uint>(batch.Count);
        foreach (var item in batch)
        {
            if (item.Size > settings.MaxMessageBytes)
            {
                var headers = await session.FetchHeadersAsync(item.Uid, cancellationToken);
                fetched.Add(new FetchedItem(item.Uid, headers, item.Arrived, ScanNotes.Encode(ScanNotes.TooLarge, settings.MaxMessageBytes, item.Size)));
            }
            else
            {
                whole.Add(item.Uid);
            }
        }

        if (whole.Count > 0)
        {
            await session.FetchAsync(whole, (mail, _) =>
            {
                fetched.Add(new FetchedItem(mail.Uid, mail.Raw, arrived.GetValueOrDefault(mail.Uid), mail.Refused is null ? null : ScanNotes.Encode(ScanNotes.Refused, mail.Refused)));
                return ValueTask.CompletedTask;
            }, cancellationToken);
        }

        fetched.Sort((a, b) => a.Uid.CompareTo(b.Uid));
        return new FetchedBatch(fetched);
    }

    /// <summary>
    /// Cuts the messages into batches of at most <paramref name="maxCount"/> messages and <paramref name="maxBytes"/>
    /// bytes (a single larger message is a batch of its own), so one batch never holds more than that in memory.
    /// </summary>
    public static IEnumerable<IReadOnlyList<MailItem>> Batches(IReadOnlyList<MailItem> items, int maxCount, long maxBytes)
    {
        var batch = new List<MailItem>();
        long bytes = 0;
        foreach (var item in items)
        {
            if (batch.Count > 0 && (batch.Count >= maxCount || bytes + item.Size > maxBytes))
            {
                yield return batch;
                batch = [];
                bytes = 0;
            }

            batch.Add(item);
            bytes += item.Size;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }
}
