using System.Buffers;
using System.Text;
using MimeKit;
using MimeKit.IO.Filters;
using MimeKit.Text;

namespace PrivateMail.Web.Mail;

/// <summary>
/// A message's text and HTML bodies, decoded once (MimeKit decodes a part again on every access): the same parts, and
/// the same text, as MimeKit's <see cref="MimeMessage.TextBody"/> and <see cref="MimeMessage.HtmlBody"/>.
/// </summary>
public sealed record MimeBodies(string? Text, string? Html)
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static MimeBodies Of(MimeMessage message) => new(Body(message, TextFormat.Plain), Body(message, TextFormat.Html));

    /// <summary>The body MimeKit's <see cref="MimeMessage.GetTextBody"/> returns: the same part, format=flowed undone the same way.</summary>
    /// <param name="format">Plain or HTML.</param>
    internal static string? Body(MimeMessage message, TextFormat format)
    {
        var part = message.Body switch
        {
            Multipart multipart => multipart.TryGetValue(format, out var found) ? found : null,
            TextPart single when (format == TextFormat.Html ? single.IsHtml : single.IsPlain) && !single.IsAttachment => single,
            _ => null,
        };
        if (part is null)
        {
            return null;
        }

        var text = Utf8Text(part) ?? part.Text;
        if (!part.IsFlowed)
        {
            return text;
        }

        var converter = new FlowedToText();
        if (part.ContentType.Parameters.TryGetValue("delsp", out string? delsp))
        {
            converter.DeleteSpace = string.Equals(delsp, "yes", StringComparison.OrdinalIgnoreCase);
        }

        return converter.Convert(text);
    }

    /// <summary>
    /// The part's text decoded in one pass over one buffer, where that gives exactly what <see cref="TextPart.Text"/> gives
    /// (which streams it through three filters, a quarter of the scan's parsing time): UTF-8 text (declared, or undeclared
    /// plain text), or pure ASCII in a charset that agrees with ASCII. Transfer encoding undone by MimeKit's own decoder,
    /// CR LF made LF as MimeKit does (a CR before LF or at the very end is dropped). Null: let MimeKit do it (another
    /// charset, HTML that may name its charset in a meta tag, bytes that are not UTF-8).
    /// </summary>
    internal static string? Utf8Text(TextPart part)
    {
        if (part.Content is not { } content)
        {
            return null;
        }

        var charset = part.ContentType.Charset?.Trim().ToLowerInvariant();
        var utf8 = charset is "utf-8" or "utf8" || (charset is null && !part.IsHtml);
        if (!utf8 && !AsciiCompatible(charset))
        {
            return null;
        }

        if (content.Stream is not { CanSeek: true } stream || stream.Length > 64 * 1024 * 1024)
        {
            return null;
        }

        var length = (int)stream.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 16));
        try
        {
            stream.Seek(0, SeekOrigin.Begin);
            stream.ReadExactly(buffer, 0, length);
            var decoded = DecoderFilter.Create(content.Encoding).Flush(buffer, 0, length, out var start, out var count);
            var bytes = decoded.AsSpan(start, count);
            bytes = bytes[..CrLfToLf(bytes)];
            if (!utf8 && !Ascii.IsValid(bytes))
            {
                return null;
            }

            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Charsets whose ASCII bytes mean ASCII (so pure ASCII reads the same in them as in UTF-8); not ISO-2022, UTF-7 or UTF-16.</summary>
    private static bool AsciiCompatible(string? charset) =>
        charset is "us-ascii" or "ascii" || charset?.StartsWith("iso-8859-", StringComparison.Ordinal) == true || charset?.StartsWith("windows-125", StringComparison.Ordinal) == true;

    /// <summary>
    /// MimeKit's Dos2Unix filter, in place: a CR is dropped when an LF follows it or when it is the last byte; any other
    /// CR stays. Returns the new length.
    /// </summary>
    internal static int CrLfToLf(Span<byte> bytes)
    {
        var first = bytes.IndexOf((byte)'\r');
        if (first < 0)
        {
            return bytes.Length;
        }

        var write = first;
        var read = first;
        while (read < bytes.Length)
        {
            // bytes[read] is a CR.
            if (read + 1 < bytes.Length && bytes[read + 1] != (byte)'\n')
            {
                bytes[write++] = (byte)'\r';
            }

            read++;
            var next = bytes[read..].IndexOf((byte)'\r');
            var run = next < 0 ? bytes.Length - read : next;
            bytes.Slice(read, run).CopyTo(bytes[write..]);
            write += run;
            read += run;
        }

        return write;
    }
}
