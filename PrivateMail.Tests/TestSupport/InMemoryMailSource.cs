using MimeKit;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// An <see cref="IMailSource"/> held in memory, so the scanner's stages can be tested in milliseconds without Dovecot.
/// It behaves as the MailKit source promises: UIDs ascend per folder, a new UIDVALIDITY renumbers, a batch FETCH that
/// the server refuses falls back to one UID at a time, IDLE returns when mail is appended.
/// </summary>
public sealed class InMemoryMailSource : IMailSource
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Folder> _folders = new(StringComparer.Ordinal);
    private uint _nextValidity = 1000;
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Folder(uint validity)
    {
        public uint Validity { get; set; } = validity;
        public uint NextUid { get; set; } = 1;
        public SortedDictionary<uint, (byte[] Raw, DateTimeOffset Arrived, long? ClaimedSize)> Messages { get; } = [];
        public HashSet<uint> Refused { get; } = [];
    }

    /// <summary>Login refused with this failure while set.</summary>
    public ConnectionFailure? FailConnect { get; set; }

    /// <summary>Sessions opened so far.</summary>
    public int Opened { get; private set; }

    /// <summary>Every UID whose body was fetched, in order.</summary>
    public List<uint> BodiesFetched { get; } = [];

    /// <summary>Every UID whose headers alone were fetched.</summary>
    public List<uint> HeadersFetched { get; } = [];

    /// <summary>Each FETCH request's UIDs (batches).</summary>
    public List<IReadOnlyList<uint>> Requests { get; } = [];

    /// <summary>Each request for sizes and arrival dates (<see cref="IMailSession.DescribeAsync"/>): its UIDs.</summary>
    public List<IReadOnlyList<uint>> Described { get; } = [];

    public uint Append(string folder, MimeMessage message, DateTimeOffset? arrived = null, long? claimedSize = null)
    {
        using var bytes = new MemoryStream();
        message.WriteTo(FormatOptions.Default, bytes);
        return Append(folder, bytes.ToArray(), arrived, claimedSize);
    }

    /// <param name="claimedSize">The RFC822.SIZE the server reports, when it should differ from the bytes.</param>
    public uint Append(string folder, byte[] raw, DateTimeOffset? arrived = null, long? claimedSize = null)
    {
        TaskCompletionSource appended;
        uint uid;
        lock (_gate)
        {
            var f = GetOrCreate(folder);
            uid = f.NextUid++;
            f.Messages[uid] = (raw, arrived ?? DateTimeOffset.UtcNow, claimedSize);
            appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        appended.TrySetResult();
        return uid;
    }

    /// <summary>The server answers NO to any FETCH that includes this message.</summary>
    public void Refuse(string folder, uint uid)
    {
        lock (_gate)
        {
            GetOrCreate(folder).Refused.Add(uid);
        }
    }

    /// <summary>Deletes and recreates the folder with the same mail: new UIDVALIDITY, new UIDs.</summary>
    public void Recreate(string folder)
    {
        lock (_gate)
        {
            var old = GetOrCreate(folder);
            var fresh = new Folder(_nextValidity++);
            foreach (var message in old.Messages.Values)
            {
                fresh.Messages[fresh.NextUid++] = message;
            }

            _folders[folder] = fresh;
        }
    }

    private Folder GetOrCreate(string name)
    {
        if (!_folders.TryGetValue(name, out var folder))
        {
            folder = new Folder(_nextValidity++);
            _folders[name] = folder;
        }

        return folder;
    }

    public Task<(IMailSession? Session, ConnectionResult Result)> OpenAsync(ImapEndpoint endpoint, ImapCredentials credentials, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (credentials.Unavailable is { } reason)
        {
            return Task.FromResult<(IMailSession?, ConnectionResult)>((null, new ConnectionResult { Failure = ConnectionFailure.CredentialsUnavailable, Detail = reason }));
        }

        if (FailConnect is { } failure)
        {
            return Task.FromResult<(IMailSession?, ConnectionResult)>((null, new ConnectionResult { Failure = failure, Detail = "in-memory failure" }));
        }

        lock (_gate)
        {
            Opened++;
        }

        return Task.FromResult<(IMailSession?, ConnectionResult)>((new Session(this), new ConnectionResult { Authenticated = true }));
    }

    private sealed class Session(InMemoryMailSource source) : IMailSession
    {
        private string? _folder;

        public bool CanWait => true;

        public Task<FolderState> OpenFolderAsync(string fullName, CancellationToken cancellationToken)
        {
            lock (source._gate)
            {
                if (!source._folders.TryGetValue(fullName, out var folder))
                {
                    throw new MailFolderException(fullName, missing: true, "No such folder.");
                }

                _folder = fullName;
                return Task.FromResult(new FolderState(fullName, folder.Validity, folder.NextUid, folder.Messages.Count));
            }
        }

        private Folder Current => source._folders[_folder ?? throw new InvalidOperationException("No folder is open.")];

        public Task<IReadOnlyList<uint>> ListNewUidsAsync(uint afterUid, DateOnly? since, CancellationToken cancellationToken)
        {
            lock (source._gate)
            {
                var from = afterUid == 0 && since is { } day ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : DateTimeOffset.MinValue;
                IReadOnlyList<uint> uids = Current.Messages.Where(m => m.Key > afterUid && m.Value.Arrived >= from).Select(m => m.Key).ToList();
                return Task.FromResult(uids);
            }
        }

        public Task<IReadOnlyList<MailItem>> DescribeAsync(IReadOnlyList<uint> uids, CancellationToken cancellationToken)
        {
            lock (source._gate)
            {
                source.Described.Add(uids.ToList());
                var folder = Current;
                IReadOnlyList<MailItem> items = uids
                    .Select(u => folder.Messages.TryGetValue(u, out var m) ? new MailItem(u, m.ClaimedSize ?? m.Raw.LongLength, m.Arrived) : new MailItem(u, 0, null))
                    .ToList();
                return Task.FromResult(items);
            }
        }

        public async Task<int> CountSinceAsync(DateOnly? since, CancellationToken cancellationToken) =>
            (await ListNewUidsAsync(0, since, cancellationToken)).Count;

        public async Task FetchAsync(IReadOnlyList<uint> uids, Func<FetchedMail, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken)
        {
            List<(uint Uid, byte[]? Raw, bool Refused)> answer;
            lock (source._gate)
            {
                source.Requests.Add(uids.ToList());
                var folder = Current;
                answer = uids.Where(folder.Messages.ContainsKey).Select(u => (u, (byte[]?)folder.Messages[u].Raw, folder.Refused.Contains(u))).ToList();
                source.BodiesFetched.AddRange(answer.Where(a => !a.Refused).Select(a => a.Uid));
            }

            foreach (var (uid, raw, refused) in answer)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await onMessage(refused ? new FetchedMail(uid, null, "NO message is damaged") : new FetchedMail(uid, raw), cancellationToken);
            }
        }

        public Task<byte[]?> FetchHeadersAsync(uint uid, CancellationToken cancellationToken)
        {
            lock (source._gate)
            {
                source.HeadersFetched.Add(uid);
                if (!Current.Messages.TryGetValue(uid, out var message))
                {
                    return Task.FromResult<byte[]?>(null);
                }

                var raw = message.Raw;
                var end = IndexOf(raw, "\r\n\r\n"u8);
                end = end < 0 ? IndexOf(raw, "\n\n"u8) : end;
                return Task.FromResult<byte[]?>(end < 0 ? raw : raw[..(end + 2)]);
            }
        }

        public async Task<bool> WaitForNewMailAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            Task appended;
            lock (source._gate)
            {
                appended = source._appended.Task;
            }

            try
            {
                await appended.WaitAsync(timeout, cancellationToken);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private static int IndexOf(byte[] data, ReadOnlySpan<byte> pattern) => data.AsSpan().IndexOf(pattern);
    }
}
