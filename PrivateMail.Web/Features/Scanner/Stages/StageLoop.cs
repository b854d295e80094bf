using System.Threading.Channels;

namespace PrivateMail.Web.Features.Scanner.Stages;

/// <summary>The loop of a stage between two channels: take a batch, work on it, hand the result on.</summary>
internal static class StageLoop
{
    /// <summary>
    /// Runs <paramref name="work"/> on each batch of <paramref name="input"/> until it ends or <paramref name="stop"/>
    /// (the writer has what it wants); then completes <paramref name="output"/>, with the error when the work failed
    /// (it surfaces in the writer, after the batches before it). Never throws.
    /// </summary>
    public static async Task RunAsync<TIn, TOut>(
        ChannelReader<TIn> input, ChannelWriter<TOut> output, Func<TIn, CancellationToken, Task<TOut>> work, StageClock clock, CancellationToken stop)
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
                    TOut result;
                    using (clock.Work())
                    {
                        result = await work(batch, stop);
                    }

                    clock.BatchDone();
                    using (clock.WaitingForOutput())
                    {
                        await output.WriteAsync(result, stop);
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
        }
    }
}
