using System.Threading.Channels;
using MimeKit;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Mail;

namespace PrivateMail.Web.Features.Scanner.Stages;

/// <summary>A parsed message: the domain's snapshot and the e-mail ready to write, or the note it is quarantined with.</summary>
internal sealed record ParsedMail(uint Uid, byte[]? Raw, MessageSnapshot? Snapshot, PreparedEmail? Email, string? Problem)
{
    /// <summary>The half of the decision worked out beside the writer (<see cref="DecideStage.ReadAheadAsync"/>), when it was.</summary>
    public RecordMatches? Matches { get; init; }

    public string Subject => Snapshot?.Subject ?? "";
}

/// <summary>
/// Stage 2: MIME → snapshot, and the e-mail prepared for storage (HTML sanitised or set aside, text cut, preview, key)
/// — all the unbounded work, on its own core, before anything touches the database; then, per batch, the decide
/// stage's read-ahead of the records its messages may bind to. With <paramref name="staging"/>, attachment contents are
/// written to files here too, and the writer only renames them.
/// </summary>
internal sealed class ParseStage(EmailStore emails, Mailbox mailbox, string folder, uint uidValidity, ScannerOptions settings, TimeProvider time, AttachmentStaging? staging = null)
{
    /// <param name="readAhead">After each batch: the decide stage's read-ahead of the batch's records (<see cref="DecideStage.ReadAheadAsync"/>); disposed when this stage ends.</param>
    /// <param name="readAheadClock">Where the read-ahead's time is counted (part of this stage's busy time too).</param>
    public async Task RunAsync(
        ChannelReader<FetchedBatch> input, ChannelWriter<LookedUpBatch> output, RecordReadAhead readAhead,
        StageClock clock, StageClock readAheadClock, CancellationToken stop)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                using (clock.WaitingForInput())
                {
                    if (!await input.WaitToReadAsync(stop))
                    {
                        break;
                    }
                }

                while (input.TryRead(out var batch))
                {
                    LookedUpBatch looked;
                    using (clock.Work())
                    {
                        var parsed = await ParseBatchAsync(batch.Items, stop);
                        using (readAheadClock.Work())
                        {
                            looked = await readAhead.ReadAsync(parsed, stop);
                        }
                    }

                    clock.BatchDone();
                    readAheadClock.BatchDone();
                    using (clock.WaitingForOutput())
                    {
                        await output.WriteAsync(looked, stop);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
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
            // After the hand-off ended: the writer never waits for the read-ahead's connection to close.
            await readAhead.DisposeAsync();
        }
    }

    /// <summary>
    /// Parses a batch on up to <see cref="ScannerOptions.ParseWorkers"/> threads, the results in the batch's (UID)
    /// order: the writer sees the same sequence as with one worker. Parallel within the batch only, so the pipeline
    /// keeps its depth (fetching never runs further ahead of the writer).
    /// </summary>
    internal async Task<ParsedMail[]> ParseBatchAsync(IReadOnlyList<FetchedItem> items, CancellationToken stop)
    {
        var parsed = new ParsedMail[items.Count];
        var workers = Math.Min(settings.EffectiveParseWorkers, items.Count);
        if (workers <= 1)
        {
            for (var i = 0; i < items.Count; i++)
            {
                parsed[i] = await ParseAsync(items[i].Uid, items[i].Raw, items[i].Arrived, items[i].Problem, stop);
            }

            return parsed;
        }

        await Parallel.ForEachAsync(
            Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = stop },
            async (i, token) => parsed[i] = await ParseAsync(items[i].Uid, items[i].Raw, items[i].Arrived, items[i].Problem, token));
        return parsed;
    }

    public async Task<ParsedMail> ParseAsync(uint uid, byte[]? raw, DateTimeOffset? arrived, string? problem, CancellationToken cancellationToken)
    {
        if (problem is not null || raw is null)
        {
            return new ParsedMail(uid, raw, HeadersOnly(raw), null, problem ?? ScanNotes.Encode(ScanNotes.Refused, ""));
        }

        if (raw.LongLength > settings.MaxMessageBytes)
        {
            return new ParsedMail(uid, raw, null, null, ScanNotes.Encode(ScanNotes.TooLarge, settings.MaxMessageBytes, raw.LongLength));
        }

        MimeMessage message;
        try
        {
            // The bytes are in memory: MimeKit's synchronous parser, without an awaited read per buffer.
            message = MimeMessage.Load(new MemoryStream(raw, writable: false), cancellationToken);
        }
        catch (Exception ex) when (ex is FormatException or ParseException)
        {
            return new ParsedMail(uid, raw, null, null, ScanNotes.Encode(ScanNotes.Unreadable, ex.Message));
        }

        // MimeKit's entities have finalizers: disposed here, they never reach the finalizer thread.
        using (message)
        {
            try
            {
                var bodies = MimeBodies.Of(message);
                var snapshot = MimeSnapshotMapper.ToSnapshot(message, bodies);
                PreparedEmail? prepared = null;
                if (mailbox.Actions.HasFlag(ScannerActions.CreateEmail))
                {
                    var email = MimeEmailMapper.ToNewEmail(message, snapshot, mailbox.OwnerId, arrived ?? time.GetUtcNow(), bodies) with
                    {
                        MailboxId = mailbox.Id,
                        Folder = folder,
                        Uid = uid,
                        UidValidity = uidValidity,
                    };
                    prepared = await emails.PrepareAsync(email, cancellationToken, staging);
                }

                return new ParsedMail(uid, raw, snapshot, prepared, null);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return new ParsedMail(uid, raw, null, null, ScanNotes.Encode(ScanNotes.Failed, ex.Message));
            }
        }
    }

    /// <summary>The subject of a message kept only by its headers, for the outcome list.</summary>
    private static MessageSnapshot? HeadersOnly(byte[]? headers)
    {
        if (headers is null)
        {
            return null;
        }

        try
        {
            using var message = MimeMessage.Load(new MemoryStream(headers, writable: false));
            return MimeSnapshotMapper.ToSnapshot(message);
        }
        catch (Exception ex) when (ex is FormatException or ParseException)
        {
            return null;
        }
    }
}
