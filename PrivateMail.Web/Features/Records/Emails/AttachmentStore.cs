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

    public AttachmentStore(IOptions<PrivateMailOptions> options)
    {
        _root = Path.Combine(options.Value.DataDirectory, "attachments");
    }

    /// <summary>Writes the content (if not already there) and returns its hash and size.</summary>
    public async Task<(string Hash, long Size)> SaveAsync(Stream content, CancellationToken cancellationToken = default)
    {
        var incoming = Path.Combine(_root, "incoming");
        Directory.CreateDirectory(incoming);
        var temporary = Path.Combine(incoming, Guid.NewGuid().ToString("N"));
        string hash;
        long size;
        try
        {
            // Synchronous writes: attachments are small and written under the scan's write lock, and an async FileStream
            // on Linux hops to the thread pool for every write (most of the store's CPU in the scan's profile).
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, useAsync: false))
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

            var target = PathFor(hash);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target))
            {
                // Another writer may finish the same content first; theirs is identical.
                File.Move(temporary, target, overwrite: true);
            }
        }
        finally
        {
            File.Delete(temporary);
        }

        return (hash, size);
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
