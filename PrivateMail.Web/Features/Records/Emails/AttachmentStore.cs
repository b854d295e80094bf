using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PrivateMail.Web.Hosting;

namespace PrivateMail.Web.Features.Records.Emails;

/// <summary>
/// Attachment contents as files under <c>{data}/attachments/ab/abcdef…</c>, named by their SHA-256: the same file
/// attached to many mails is stored once, and a file name from a mail never reaches the disk.
/// Sharing needs one rule so that deleting a mail never removes a file another writer is about to reference: files are
/// saved and removed only while holding the database's write lock (inside a write transaction) — <see cref="EmailStore"/>
/// saves within its transaction, <see cref="EmailService.DeleteAsync"/> checks the references and withdraws the files in
/// one transaction — so the reference check and a new reference can never interleave.
/// </summary>
public sealed class AttachmentStore
{
    private readonly string _root;

    /// <summary>Where contents are written before they get their content name.</summary>
    private readonly string _incoming;

    public AttachmentStore(IOptions<PrivateMailOptions> options)
    {
        _root = Path.Combine(options.Value.DataDirectory, "attachments");
        _incoming = Path.Combine(_root, "incoming");
    }

    /// <summary>Writes the content (if not already there) and returns its hash and size.</summary>
    public async Task<(string Hash, long Size)> SaveAsync(Stream content, CancellationToken cancellationToken = default)
    {
        var temporary = Path.Combine(_incoming, Guid.NewGuid().ToString("N"));
        string hash;
        long size;
        try
        {
            // Synchronous writes: attachments are small and written under the scan's write lock, and an async FileStream
            // on Linux hops to the thread pool for every write (most of the store's CPU in the scan's profile).
            using (var file = CreateNew(temporary))
            using (var hasher = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
                try
                {
                    int read;
                    while ((read = content is MemoryStream ? content.Read(buffer, 0, buffer.Length) : await content.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        hasher.AppendData(buffer, 0, read);
                        file.Write(buffer, 0, read);
                    }
                }
                finally
                {
                    System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                }

                hash = Convert.ToHexStringLower(hasher.GetHashAndReset());
                size = file.Length;
            }

            MoveIntoPlace(temporary, hash);
        }
        finally
        {
            File.Delete(temporary);
        }

        return (hash, size);
    }

    /// <summary>
    /// Writes content whose hash is known into <c>incoming/</c> ahead of storing, outside any transaction, for
    /// <see cref="Adopt"/> to move into place under the write lock; null when the content file is there already (then the
    /// writer checks again under the lock). The caller deletes what it staged and did not adopt (<see cref="AttachmentStaging"/>).
    /// </summary>
    internal string? Stage(Stream content, string hash)
    {
        if (Exists(hash))
        {
            return null;
        }

        var staged = Path.Combine(_incoming, Guid.NewGuid().ToString("N"));
        var start = content.Position;
        try
        {
            using var file = CreateNew(staged);
            content.CopyTo(file);
        }
        catch
        {
            File.Delete(staged);
            throw;
        }
        finally
        {
            content.Position = start;
        }

        return staged;
    }

    /// <summary>A new file in <c>incoming/</c>, which is created the first time (not before every file: a system call each).</summary>
    private FileStream CreateNew(string path)
    {
        try
        {
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, useAsync: false);
        }
        catch (DirectoryNotFoundException)
        {
            Directory.CreateDirectory(_incoming);
            return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, useAsync: false);
        }
    }

    /// <summary>
    /// Gives a staged file its content name, under the write lock (inside the writer's transaction, as every save): a
    /// rename, no data written. The staged file stays where it was when the content is there already (its stager deletes it).
    /// False when the staged file is gone (the caller writes the content itself).
    /// </summary>
    internal bool Adopt(string staged, string hash)
    {
        try
        {
            MoveIntoPlace(staged, hash);
            return true;
        }
        catch (FileNotFoundException)
        {
            return Exists(hash);
        }
    }

    /// <summary>Renames a written file to its content name; another writer finishing the same content first wrote the same bytes.</summary>
    private void MoveIntoPlace(string written, string hash)
    {
        var target = PathFor(hash);
        if (File.Exists(target))
        {
            return;
        }

        try
        {
            File.Move(written, target, overwrite: true);
        }
        catch (DirectoryNotFoundException)
        {
            // The first content of its two-letter folder (creating it every time showed in the writer's profile).
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(written, target, overwrite: true);
        }
    }

    /// <summary>
    /// Deletes what a process that ended mid-scan left in <c>incoming/</c>: files staged or half-written longer ago than
    /// <paramref name="olderThan"/> (a scan adopts or deletes its own within its run; another node's scan may still be
    /// using younger ones). Run at start-up.
    /// </summary>
    public int SweepIncoming(TimeSpan olderThan, DateTimeOffset now)
    {
        var incoming = new DirectoryInfo(_incoming);
        if (!incoming.Exists)
        {
            return 0;
        }

        var deleted = 0;
        foreach (var file in incoming.EnumerateFiles())
        {
            if (file.LastWriteTimeUtc < (now - olderThan).UtcDateTime)
            {
                file.Delete();
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>The file of a content hash; throws on anything that is not a SHA-256 in hex, so no path can be smuggled in.</summary>
    public string PathFor(string hash)
    {
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a content hash.", nameof(hash));
        }

        return Path.Combine(_root, hash[..2], hash);
    }

    public bool Exists(string hash) => File.Exists(PathFor(hash));

    /// <summary>
    /// Moves the file of a hash no attachment uses any more out of reach (one rename) and returns where it went, or null
    /// when there was none: <see cref="Discard"/> it once the deletion committed, <see cref="Restore"/> it if it did not.
    /// </summary>
    public string? Withdraw(string hash)
    {
        var path = PathFor(hash);
        var trash = Path.Combine(_root, "deleted");
        Directory.CreateDirectory(trash);
        var target = Path.Combine(trash, hash + "." + Guid.NewGuid().ToString("N"));
        try
        {
            File.Move(path, target);
            return target;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Puts a withdrawn file back (its deletion did not commit), unless the content was saved again meanwhile.</summary>
    public void Restore(string hash, string withdrawn)
    {
        var path = PathFor(hash);
        if (File.Exists(path))
        {
            File.Delete(withdrawn);
        }
        else
        {
            File.Move(withdrawn, path);
        }
    }

    /// <summary>Removes a withdrawn file for good.</summary>
    public static void Discard(string withdrawn) => File.Delete(withdrawn);
}

/// <summary>
/// The attachment files one folder scan wrote ahead on its parse stage (<see cref="AttachmentStore.Stage"/>): the writer
/// only renames them into place (<see cref="AttachmentStore.Adopt"/>), so creating and writing files — slow on some
/// file systems, and the writer is the scan's critical path — happens beside it. Disposed when the scan's stages have
/// ended: every staged file not adopted (a message skipped, a duplicate, past the run's limit, stopped, rolled back) is
/// deleted then; a crash leaves them to <see cref="AttachmentStore.SweepIncoming"/>.
/// </summary>
public sealed class AttachmentStaging(AttachmentStore files) : IDisposable
{
    private readonly List<string> _staged = [];

    /// <summary>Stages the content unless its file exists; the path, or null.</summary>
    internal string? Stage(Stream content, string hash)
    {
        var path = files.Stage(content, hash);
        if (path is not null)
        {
            lock (_staged)
            {
                _staged.Add(path);
            }
        }

        return path;
    }

    public void Dispose()
    {
        lock (_staged)
        {
            foreach (var path in _staged)
            {
                try
                {
                    // Adopted ones were renamed away: deleting a name that is gone is a no-op.
                    File.Delete(path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // A scan whose writes committed must not fail over a spare file: the start-up sweep takes it.
                }
            }

            _staged.Clear();
        }
    }
}
