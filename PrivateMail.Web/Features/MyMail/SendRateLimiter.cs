using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace PrivateMail.Web.Features.MyMail;

/// <summary>
/// Per-user sliding window over sent messages (singleton): a user may send <see cref="MyMailOptions.SendLimit"/>
/// messages per <see cref="MyMailOptions.SendWindow"/>. A slot is taken before sending and given back when the send fails,
/// so two tabs cannot both pass the last free slot.
/// </summary>
public sealed class SendRateLimiter(IOptions<MyMailOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _sent = new(StringComparer.Ordinal);

    /// <summary>Takes a slot; false when the user has used all of them in the window.</summary>
    public bool TryAcquire(string userId, out DateTimeOffset slot)
    {
        var now = time.GetUtcNow();
        slot = now;
        var queue = _sent.GetOrAdd(userId, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            while (queue.Count > 0 && now - queue.Peek() >= options.Value.SendWindow)
            {
                queue.Dequeue();
            }

            if (queue.Count >= options.Value.SendLimit)
            {
                return false;
            }

            queue.Enqueue(now);
            return true;
        }
    }

    /// <summary>Gives a slot back (the message was not sent after all).</summary>
    public void Release(string userId, DateTimeOffset slot)
    {
        if (!_sent.TryGetValue(userId, out var queue))
        {
            return;
        }

        lock (queue)
        {
            // Only the first match goes: another send may share the same instant.
            var removed = false;
            var rebuilt = new Queue<DateTimeOffset>();
            foreach (var t in queue)
            {
                if (!removed && t == slot)
                {
                    removed = true;
                    continue;
                }

                rebuilt.Enqueue(t);
            }

            queue.Clear();
            foreach (var t in rebuilt)
            {
                queue.Enqueue(t);
            }
        }
    }
}
