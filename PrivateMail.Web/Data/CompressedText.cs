using System.Buffers;
using System.IO.Compression;
using System.Text;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace PrivateMail.Web.Data;

/// <summary>
/// How an e-mail's bodies are stored: as bytes, Brotli-compressed when that pays. Bodies are most of the database (the
/// bench corpus: 165 of 216 MB), and the scan's single writer paid for every byte of them (UTF-16 → UTF-8 on binding,
/// page, WAL and checkpoint writes); compressing on the parse stage leaves the writer a small ready-made BLOB.
/// <para>
/// Format: a compressed body is the marker byte <see cref="BrotliMarker"/>, the UTF-8 length as a 7-bit varint, then the
/// Brotli stream. Anything else is plain UTF-8: a tiny or incompressible body is stored so, and so reads a row written
/// as TEXT before bodies were compressed. The marker (0xFB) can never start valid UTF-8, so the two never mix up.
/// </para>
/// </summary>
public static class CompressedText
{
    /// <summary>Starts a Brotli-compressed body. Bytes 0xF5–0xFF never occur in UTF-8.</summary>
    public const byte BrotliMarker = 0xFB;

    /// <summary>Below this many UTF-8 bytes a body is stored as it is: Brotli's framing would eat what it saves.</summary>
    public const int MinimumToCompress = 64;

    // Quality 0: on the bench corpus's 138 MB of bodies 29.8 % of the UTF-8 size at ≈ 220 MB/s of one core's CPU, against
    // quality 1's 27.9 % at ≈ 136 MB/s — the parse stage, the scan's busiest, spends 0.4 CPU-s less for 2.6 MB more;
    // quality 2–4 gain a point or two at 2–5× the CPU, Deflate's fastest level leaves 36 % (bench/OPTIMISATION.md).
    // The format does not depend on it: bodies stored at any quality read the same.
    private const int Quality = 0;
    private const int Window = 22;

    // A corrupt length must not make us allocate gigabytes: no stored body comes near this.
    private const int MaximumLength = 256 * 1024 * 1024;

    /// <summary>The bytes to store for <paramref name="text"/>.</summary>
    public static byte[] Encode(string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        if (length < MinimumToCompress)
        {
            return Encoding.UTF8.GetBytes(text);
        }

        var utf8 = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Encoding.UTF8.GetBytes(text.AsSpan(), utf8.AsSpan());
            return Encode(utf8.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    /// <summary>The bytes to store for a text given as its UTF-8 bytes (a caller that has them already need not encode twice).</summary>
    public static byte[] Encode(ReadOnlySpan<byte> utf8)
    {
        var length = utf8.Length;
        if (length < MinimumToCompress)
        {
            return utf8.ToArray();
        }

        // Worth storing compressed only when it beats the plain bytes, header included: the buffer's size says so.
        var compressed = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Span<byte> header = stackalloc byte[6];
            header[0] = BrotliMarker;
            var headerLength = 1 + WriteLength(header[1..], length);
            if (BrotliEncoder.TryCompress(utf8, compressed.AsSpan(0, length - headerLength), out var written, Quality, Window))
            {
                var stored = new byte[headerLength + written];
                header[..headerLength].CopyTo(stored);
                compressed.AsSpan(0, written).CopyTo(stored.AsSpan(headerLength));
                return stored;
            }

            return utf8.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    /// <summary>The text <paramref name="stored"/> holds: compressed, plain UTF-8, or a TEXT value read as its bytes.</summary>
    /// <exception cref="InvalidDataException">The bytes are marked compressed but are not a whole Brotli body.</exception>
    public static string Decode(byte[] stored)
    {
        if (stored.Length == 0 || stored[0] != BrotliMarker)
        {
            return Encoding.UTF8.GetString(stored);
        }

        var (length, lengthBytes) = ReadLength(stored.AsSpan(1));
        var utf8 = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        try
        {
            if (!BrotliDecoder.TryDecompress(stored.AsSpan(1 + lengthBytes), utf8.AsSpan(0, length), out var written) || written != length)
            {
                throw new InvalidDataException($"A compressed body of {stored.Length} bytes does not hold the {length} bytes it announces.");
            }

            return Encoding.UTF8.GetString(utf8, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
        }
    }

    private static int WriteLength(Span<byte> target, int value)
    {
        var i = 0;
        var v = (uint)value;
        while (v >= 0x80)
        {
            target[i++] = (byte)(v | 0x80);
            v >>= 7;
        }

        target[i++] = (byte)v;
        return i;
    }

    private static (int Value, int Bytes) ReadLength(ReadOnlySpan<byte> source)
    {
        var value = 0L;
        for (var i = 0; i < 5 && i < source.Length; i++)
        {
            value |= (long)(source[i] & 0x7F) << (7 * i);
            if ((source[i] & 0x80) == 0)
            {
                return value <= MaximumLength
                    ? ((int)value, i + 1)
                    : throw new InvalidDataException($"A compressed body announces {value} bytes, more than any body stored.");
            }
        }

        throw new InvalidDataException("A compressed body's length is cut off.");
    }
}

/// <summary>
/// Maps a body (<c>string</c>) to its stored bytes (<see cref="CompressedText"/>): every EF read and write of
/// <see cref="Email.TextBody"/>, <see cref="Email.HtmlBody"/> and <see cref="Ticket.Description"/> goes through it; the
/// scanner's raw inserts bind bytes prepared by the same <see cref="CompressedText.Encode"/>. Null stays null (EF does not pass it to converters).
/// </summary>
internal sealed class CompressedTextConverter() : ValueConverter<string, byte[]>(v => CompressedText.Encode(v), v => CompressedText.Decode(v));
