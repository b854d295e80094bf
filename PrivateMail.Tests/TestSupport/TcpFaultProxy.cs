using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// A loopback TCP proxy in front of a server (Dovecot) that injects network faults into the server → client direction:
/// <see cref="CutAfter"/> closes a connection once it has forwarded that many bytes to the client (the rest is never
/// sent), and <see cref="Latency"/> holds every chunk back that long before forwarding it. Both apply to connections
/// already open, so a test can switch a fault on mid-scan. With neither set the proxy is a plain pipe.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ConcurrentDictionary<int, Connection> _connections = new();
    private readonly TaskCompletionSource _cut = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _accepting;
    private int _nextId;
    private long _cutAfter = -1;
    private long _latencyTicks;

    public TcpFaultProxy(string host, int port)
    {
        _target = new IPEndPoint(IPAddress.Parse(host), port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public string Host => IPAddress.Loopback.ToString();

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _nextId);

    /// <summary>Completes when the proxy first cut a connection because of <see cref="CutAfter"/>.</summary>
    public Task FirstCut => _cut.Task;

    /// <summary>Server → client bytes a connection may carry before the proxy drops it; null for no limit.</summary>
    public long? CutAfter
    {
        get => Interlocked.Read(ref _cutAfter) is var v && v < 0 ? null : v;
        set => Interlocked.Exchange(ref _cutAfter, value ?? -1);
    }

    /// <summary>Delay added before each server → client chunk is forwarded.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    /// <summary>Back to a plain pipe for new and open connections.</summary>
    public void Heal()
    {
        CutAfter = null;
        Latency = TimeSpan.Zero;
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync();
        _listener.Stop();
        foreach (var connection in _connections.Values)
        {
            connection.Close();
        }

        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _shutdown.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_shutdown.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_shutdown.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var id = Interlocked.Increment(ref _nextId);
            _ = Task.Run(() => ServeAsync(id, client));
        }
    }

    private async Task ServeAsync(int id, Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        var connection = new Connection(client, server);
        _connections[id] = connection;
        try
        {
            await server.ConnectAsync(_target, _shutdown.Token);
            var up = PumpAsync(client, server, connection, toClient: false);
            var down = PumpAsync(server, client, connection, toClient: true);
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            connection.Close();
            _connections.TryRemove(id, out _);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, Connection connection, bool toClient)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _shutdown.Token);
                if (read == 0)
                {
                    return;
                }

                var send = read;
                if (toClient)
                {
                    if (Latency is { Ticks: > 0 } latency)
                    {
                        await Task.Delay(latency, _shutdown.Token);
                    }

                    if (CutAfter is { } limit)
                    {
                        var room = Math.Max(0, limit - connection.SentToClient);
                        if (room < read)
                        {
                            send = (int)room;
                            if (send > 0)
                            {
                                await to.SendAsync(buffer.AsMemory(0, send), SocketFlags.None, _shutdown.Token);
                            }

                            // An abortive close (RST), as when a NAT box or a crashed server drops the connection.
                            connection.Abort();
                            _cut.TrySetResult();
                            return;
                        }
                    }

                    connection.SentToClient += send;
                }

                await to.SendAsync(buffer.AsMemory(0, send), SocketFlags.None, _shutdown.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private sealed class Connection(Socket client, Socket server)
    {
        public long SentToClient { get; set; }

        public void Abort()
        {
            try
            {
                client.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }

            Close();
        }

        public void Close()
        {
            client.Dispose();
            server.Dispose();
        }
    }
}
