using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;

namespace PrivateMail.Web.Mail;

/// <summary>
/// <see cref="IMailSource"/> over MailKit: folders opened with EXAMINE (read-only), bodies with one UID FETCH
/// BODY.PEEK[] per batch, IDLE for push. MailKit's exceptions never leave this class: a broken connection becomes a
/// <see cref="MailConnectionException"/>, a missing or refused folder a <see cref="MailFolderException"/>.
/// </summary>
public sealed class ImapMailSource(ImapConnector connector) : IMailSource
{
    public async Task<(IMailSession? Session, ConnectionResult Result)> OpenAsync(ImapEndpoint endpoint, ImapCredentials credentials, CancellationToken cancellationToken)
    {
        var (client, result) = await connector.OpenAsync(endpoint, credentials, cancellationToken);
        return (client is null ? null : new Session(client), result);
    }

    private sealed class Session(ImapClient client) : IMailSession
    {
        private ImapFolder? _folder;

        private ImapFolder Folder => _folder ?? throw new InvalidOperationException("No folder is open.");

        public bool CanWait => client.Capabilities.HasFlag(ImapCapabilities.Idle);

        public async Task<FolderState> OpenFolderAsync(string fullName, CancellationToken cancellationToken)
        {
            try
            {
                var folder = (ImapFolder)await client.GetFolderAsync(fullName, cancellationToken);
                await folder.OpenAsync(FolderAccess.ReadOnly, cancellationToken);
                _folder = folder;
                return new FolderState(folder.FullName, folder.UidValidity, folder.UidNext?.Id ?? 0, folder.Count);
            }
            catch (FolderNotFoundException ex)
            {
                throw new MailFolderException(fullName, missing: true, ex.Message);
            }
            catch (ImapCommandException ex)
            {
                throw new MailFolderException(fullName, missing: false, ex.Message);
            }
            catch (Exception ex) when (Broken(ex))
            {
                throw Translate(ex);
            }
        }

        public async Task<int> CountSinceAsync(DateOnly? since, CancellationToken cancellationToken)
        {
            try
            {
                if (Folder.Count == 0 || since is not { } day)
                {
                    return Folder.Count;
                }

                // SEARCH SINCE answers with the UIDs only: a few bytes per message, nothing fetched.
                return (await Folder.SearchAsync(SearchQuery.DeliveredAfter(day.ToDateTime(TimeOnly.MinValue)), cancellationToken)).Count;
            }
            catch (Exception ex) when (Broken(ex))
            {
                throw Translate(ex);
            }
        }

        public async Task<IReadOnlyList<uint>> ListNewUidsAsync(uint afterUid, DateOnly? since, CancellationToken cancellationToken)
        {
            try
            {
                if (Folder.Count == 0)
                {
                    return [];
                }

                SearchQuery query = afterUid == 0
                    ? since is { } day ? SearchQuery.DeliveredAfter(day.ToDateTime(TimeOnly.MinValue)) : SearchQuery.All
                    : SearchQuery.Uids(new UniqueIdRange(new UniqueId(afterUid + 1), UniqueId.MaxValue));
                // "n:*" also returns the last message when n is above every UID (RFC 3501): drop what is not new.
                return (await Folder.SearchAsync(query, cancellationToken)).Select(u => u.Id).Where(u => u > afterUid).Order().ToList();
            }
            catch (Exception ex) when (Broken(ex))
            {
                throw Translate(ex);
            }
        }

        public async Task<IReadOnlyList<MailItem>> DescribeAsync(IReadOnlyList<uint> uids, CancellationToken cancellationToken)
        {
            if (uids.Count == 0)
            {
                return [];
            }

            try
            {
                var summaries = await Folder.FetchAsync(uids.Select(u => new UniqueId(u)).ToList(), MessageSummaryItems.UniqueId | MessageSummaryItems.Size | MessageSummaryItems.InternalDate, cancellationToken);
                var about = summaries.ToDictionary(s => s.UniqueId.Id);
                return uids.Select(u => about.TryGetValue(u, out var s) ? new MailItem(u, (long)(s.Size ?? 0), s.InternalDate) : new MailItem(u, 0, null)).ToList();
            }
            catch (Exception ex) when (Broken(ex))
            {
                throw Translate(ex);
            }
        }

        public async Task FetchAsync(IReadOnlyList<uint> uids, Func<FetchedMail, CancellationToken, ValueTask> onMessage, CancellationToken cancellationToken)
        {
            var delivered = new HashSet<uint>();
            try
            {
                await Folder.GetStreamsAsync(uids.Select(u => new UniqueId(u)).ToList(), async (_, _, uid, stream, ct) =>
                {
                    var raw = await ReadAsync(stream, ct);
                    delivered.Add(uid.Id);
                    await onMessage(new FetchedMail(uid.Id, raw), ct);
                }, cancellationToken);
            }
            catch (ImapCommandException ex)
            {
                // A tagged NO for the batch (one damaged message on the server): ask one by one, so only that one fails.
                foreach (var uid in uids.Where(u => !delivered.Contains(u)))
                {
                    try
                    {
                        await Folder.GetStreamsAsync([new UniqueId(uid)], async (_, _, id, stream, ct) =>
                        {
                            var raw = await ReadAsync(stream, ct);
                            await onMessage(new FetchedMail(id.Id, raw), ct);
                        }, cancellationToken);
                    }
                    catch (ImapCommandException one)
                    {
                        await onMessage(new FetchedMail(uid, null, one.Message.Length > 0 ? one.Message : ex.Message), cancellationToken);
                    }
                    catch (Exception broken) when (Broken(broken))
                    {
                        throw Translate(broken);
                    }
                }
            }
            catch (Exception ex) when (Broken(ex))
            {
                throw Translate(ex);
            }
        }

        public async Task<byte[]?> FetchHeadersAsync(uint uid, CancellationToken cancellationToken)
        {
            try
            {
                var headers = await Folder.GetHeadersAsync(new UniqueId(uid), cancellationToken);
                using var output = new MemoryStream();
                headers.WriteTo(output);
                return output.ToArray();
            }
            catch (ImapCommandException)
            {
                return null;
            }
            catch (MessageNotFoundException)
            {
                return null;
            }
            catch (Exception ex) when (Broken(ex))
            {
                throw Translate(ex);
            }
        }

        public async Task<bool> WaitForNewMailAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            var folder = Folder;
            var known = folder.Count;
            using var done = new CancellationTokenSource(timeout);
            var arrived = false;
            void OnCount(object? sender, EventArgs e)
            {
                if (folder.Count > known)
                {
                    arrived = true;
                    done.Cancel();
                }
            }

            folder.CountChanged += OnCount;
            var commandTimeout = client.Timeout;
            try
            {
                // IDLE waits far longer than a command may take: the timeout applies again after it.
                client.Timeout = System.Threading.Timeout.Infinite;
                await client.IdleAsync(done.Token, cancellationToken);
                return arrived;
            }
            catch (Exception ex) when (Broken(ex))
            {
                throw Translate(ex);
            }
            finally
            {
                client.Timeout = commandTimeout;
                folder.CountChanged -= OnCount;
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (client.IsConnected)
                {
                    using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await client.DisconnectAsync(true, quick.Token);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException || Broken(ex))
            {
                // Leaving anyway.
            }
            finally
            {
                client.Dispose();
            }
        }

        private static async Task<byte[]> ReadAsync(Stream stream, CancellationToken cancellationToken)
        {
            if (stream.CanSeek)
            {
                var raw = new byte[stream.Length - stream.Position];
                await stream.ReadExactlyAsync(raw, cancellationToken);
                return raw;
            }

            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, cancellationToken);
            return copy.ToArray();
        }

        private static bool Broken(Exception ex) =>
            ex is IOException or System.Net.Sockets.SocketException or ServiceNotConnectedException or ProtocolException or TimeoutException;

        private static MailConnectionException Translate(Exception ex) =>
            new(ex is TimeoutException ? ConnectionFailure.Timeout : ConnectionFailure.Network, ex.Message, ex);
    }
}
