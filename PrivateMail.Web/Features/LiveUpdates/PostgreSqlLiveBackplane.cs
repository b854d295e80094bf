using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Npgsql;

namespace PrivateMail.Web.Features.LiveUpdates;

/// <summary>
/// The backplane of several nodes on one PostgreSQL: every node LISTENs on one channel over a dedicated long-lived
/// connection and sends with <c>pg_notify</c> (a JSON envelope under PostgreSQL's 8000-byte limit, signed with the
/// sender's <see cref="NodeId"/> so a node drops its own echo). NOTIFY is delivered only to sessions listening at
/// commit time, so when the listening connection is lost the loop reconnects with exponential backoff and jitter and
/// then tells the resync subscribers that messages may have been missed. Sending is queued (bounded) and never blocks
/// the publisher (a page or the scanner).
/// </summary>
public sealed partial class PostgreSqlLiveBackplane : ILiveBackplane, IAsyncDisposable, IDisposable
{
    /// <summary>The one channel every node listens on (NOTIFY is per database, so two databases never cross).</summary>
    public const string Channel = "privatemail_live";

    /// <summary>PostgreSQL refuses payloads of 8000 bytes or more; the envelope must stay below this.</summary>
    public const int MaxPayloadBytes = 7900;

    /// <summary>The start of the listening connection's <c>application_name</c>, followed by the node's id (see pg_stat_activity).</summary>
    public const string ListenerApplicationName = "privatemail-live";

    private const int OutboxCapacity = 10_000;
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly string _listenConnectionString;
    private readonly NpgsqlDataSource _senders;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LiveSubscriptions<string, string> _topics;
    private readonly LiveSubscriptions<bool, bool> _resync;
    private readonly Channel<string> _outbox;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _startGate = new();
    private Task? _listening;
    private Task? _sending;
    private int _connects;
    private TaskCompletionSource _listeningSignal = NewSignal();
    private long _received;

    public PostgreSqlLiveBackplane(string connectionString, string nodeId, TimeProvider time, ILogger<PostgreSqlLiveBackplane> logger)
    {
        NodeId = nodeId;
        _time = time;
        _logger = logger;
        _topics = new(logger);
        _resync = new(logger);
        var listen = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // Its own physical connection for its whole life: a pooled one would be handed back and LISTEN lost.
            Pooling = false,
            // A server gone without a FIN (a cut network) is noticed by keepalive queries while waiting.
            KeepAlive = 15,
            ApplicationName = ListenerName(nodeId),
        };
        _listenConnectionString = listen.ToString();
        _senders = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = ListenerApplicationName + "-send" }.ToString());
        _outbox = System.Threading.Channels.Channel.CreateBounded<string>(
            new BoundedChannelOptions(OutboxCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            _ => LogOutboxFull(_logger, OutboxCapacity));
    }

    public string NodeId { get; }

    public bool ReachesOtherNodes => true;

    /// <summary>How many times the listener has connected and issued LISTEN (1 after the first connection).</summary>
    public int Connects => Volatile.Read(ref _connects);

    /// <summary>The listening connection's <c>application_name</c> for a node (PostgreSQL keeps 63 bytes of it).</summary>
    public static string ListenerName(string nodeId)
    {
        var name = $"{ListenerApplicationName} {nodeId}";
        return name.Length > 63 ? name[..63] : name;
    }

    /// <summary>Completes once the listener is connected and listening (now, or after the connection in progress).</summary>
    public Task WhenListeningAsync(CancellationToken cancellationToken)
    {
        EnsureListening();
        return Volatile.Read(ref _listeningSignal).Task.WaitAsync(cancellationToken);
    }

    /// <summary>Messages received from other nodes (own echoes not counted).</summary>
    public long Received => Interlocked.Read(ref _received);

    public void Publish(string topic, string payload)
    {
        var envelope = JsonSerializer.Serialize(new Envelope(NodeId, topic, payload));
        if (Encoding.UTF8.GetByteCount(envelope) > MaxPayloadBytes)
        {
            // A notifier's bug (data in a message): refused here rather than by the server, where it would stall the queue.
            LogTooLarge(_logger, topic, Encoding.UTF8.GetByteCount(envelope));
            return;
        }

        EnsureSending();
        _outbox.Writer.TryWrite(envelope);
    }

    public IDisposable Subscribe(string topic, Action<string> handler)
    {
        var subscription = _topics.Subscribe(topic, handler);
        EnsureListening();
        return subscription;
    }

    public IDisposable SubscribeResync(Action handler)
    {
        var subscription = _resync.Subscribe(true, _ => handler());
        EnsureListening();
        return subscription;
    }

    private void EnsureListening()
    {
        lock (_startGate)
        {
            if (_listening is null && !_stop.IsCancellationRequested)
            {
                _listening = Task.Run(() => ListenAsync(_stop.Token));
            }
        }
    }

    private void EnsureSending()
    {
        lock (_startGate)
        {
            if (_sending is null && !_stop.IsCancellationRequested)
            {
                _sending = Task.Run(() => SendAsync(_stop.Token));
            }
        }
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_listenConnectionString);
                await connection.OpenAsync(stop);
                connection.Notification += OnNotification;
                await using (var command = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await command.ExecuteNonQueryAsync(stop);
                }

                failures = 0;
                var connects = Interlocked.Increment(ref _connects);
                LogListening(_logger, NodeId, connects);
                // Whatever was sent while this node was not listening is gone: every cache and open page reads again.
                _resync.Publish(true, true);
                Volatile.Read(ref _listeningSignal).TrySetResult();
                try
                {
                    while (true)
                    {
                        await connection.WaitAsync(stop);
                    }
                }
                finally
                {
                    Volatile.Write(ref _listeningSignal, NewSignal());
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                var delay = Backoff(failures++);
                LogListenLost(_logger, ex, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, _time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (e.Channel != Channel)
        {
            return;
        }

        Envelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<Envelope>(e.Payload);
        }
        catch (JsonException)
        {
            return;
        }

        // Its own echo: this node's pages heard the message when it was published.
        if (envelope is null || envelope.N == NodeId)
        {
            return;
        }

        Interlocked.Increment(ref _received);
        _topics.Publish(envelope.T, envelope.P);
    }

    private async Task SendAsync(CancellationToken stop)
    {
        var failures = 0;
        try
        {
            while (await _outbox.Reader.WaitToReadAsync(stop))
            {
                try
                {
                    await using var connection = await _senders.OpenConnectionAsync(stop);
                    while (_outbox.Reader.TryPeek(out var envelope))
                    {
                        await using var command = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection);
                        command.Parameters.AddWithValue("channel", Channel);
                        command.Parameters.AddWithValue("payload", envelope);
                        await command.ExecuteNonQueryAsync(stop);
                        // Taken off the queue only once sent: a failure retries the same message.
                        _outbox.Reader.TryRead(out _);
                    }

                    failures = 0;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    var delay = Backoff(failures++);
                    LogSendFailed(_logger, ex, delay.TotalSeconds);
                    await Task.Delay(delay, _time, stop);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Exponential from 0.2 s to 30 s, each wait between half and one and a half times that: nodes do not reconnect in step.</summary>
    internal static TimeSpan Backoff(int failures)
    {
        var ceiling = Math.Min(MaxBackoff.TotalMilliseconds, FirstBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 16)));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + Random.Shared.NextDouble()));
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        lock (_startGate)
        {
            _stop.Cancel();
        }

        _outbox.Writer.TryComplete();
        foreach (var task in new[] { _listening, _sending })
        {
            if (task is not null)
            {
                try
                {
                    await task;
                }
                catch (Exception ex)
                {
                    LogStopFailed(_logger, ex);
                }
            }
        }

        await _senders.DisposeAsync();
        _stop.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>What crosses: the sender, the topic, the notifier's own small JSON.</summary>
    private sealed record Envelope(string N, string T, string P);

    [LoggerMessage(Level = LogLevel.Information, Message = "Live updates: node {NodeId} listening on PostgreSQL (connection {Connects}).")]
    private static partial void LogListening(ILogger logger, string nodeId, int connects);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live updates: the PostgreSQL listening connection failed; reconnecting in {Seconds:0.0} s.")]
    private static partial void LogListenLost(ILogger logger, Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live updates: sending to the other nodes failed; retrying in {Seconds:0.0} s.")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Live updates: a message on {Topic} is {Bytes} bytes, over the limit; not sent.")]
    private static partial void LogTooLarge(ILogger logger, string topic, int bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live updates: more than {Capacity} messages waiting to be sent; the oldest was dropped.")]
    private static partial void LogOutboxFull(ILogger logger, int capacity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Live updates: stopping the backplane failed.")]
    private static partial void LogStopFailed(ILogger logger, Exception exception);
}
