using System.Text;
using Microsoft.Net.Http.Headers;

namespace PrivateMail.Web.Mail;

/// <summary>File names and content types from mail, made safe to store and to send back in headers.</summary>
public static class SafeFileName
{
    private const int MaxLength = 150;

    /// <summary>
    /// A name for the Content-Disposition header: no control or format (bidirectional, zero-width) characters, quotes or reserved characters, path separators
    /// turned into <c>_</c>, never empty, at most 150 characters with the extension kept:
    /// <c>faktura "03/2026".pdf</c> → <c>faktura 03_2026.pdf</c>, <c>../../etc/passwd</c> → <c>etc_passwd</c>.
    /// The name never reaches the disk (files are named by content hash); this is about what the browser sees.
    /// </summary>
    public static string Clean(string? fileName)
    {
        var builder = new StringBuilder(fileName?.Length ?? 0);
        foreach (var c in fileName ?? "")
        {
            if (c is '/' or '\\')
            {
                builder.Append('_');
            }
            else if (IsInvisibleFormat(c))
            {
                // Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), marks (U+200E/F, U+061C) and other
                // format characters: "invoice\u202Efdp.exe" must not show as "invoiceexe.pdf".
            }
            else if (char.IsControl(c) || char.IsWhiteSpace(c))
            {
                // Folded header lines and tabs become one space.
                if (builder.Length > 0 && builder[^1] != ' ')
                {
                    builder.Append(' ');
                }
            }
            else if (c is not ('"' or '<' or '>' or ':' or '|' or '?' or '*' or ';'))
            {
                builder.Append(c);
            }
        }

        var clean = builder.ToString().TrimStart('.', '_', ' ').TrimEnd('.', ' ');
        if (clean.Length > MaxLength)
        {
            var extension = Path.GetExtension(clean);
            extension = extension.Length is > 0 and <= 16 ? extension : "";
            clean = clean[..(MaxLength - extension.Length)].TrimEnd() + extension;
        }

        return clean.Length == 0 ? "attachment" : clean;
    }

    /// <summary>Unicode format characters (category Cf: bidi controls, zero-width characters, soft hyphen, BOM) and unpaired surrogates.</summary>
    private static bool IsInvisibleFormat(char c) =>
        char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;

    /// <summary>A well-formed <c>type/subtype</c>, lower case, or <c>application/octet-stream</c>.</summary>
    public static string ContentType(string? contentType)
    {
        if (MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.HasValue
            && parsed.Type.Length > 0 && parsed.SubType.Length > 0 && !parsed.MediaType.Value.Contains('*'))
        {
            return parsed.MediaType.Value.ToLowerInvariant();
        }

        return "application/octet-stream";
    }

    /// <summary>Raster images a browser may show inline. Anything else (HTML, SVG, PDF…) is only ever downloaded.</summary>
    public static bool IsSafeInline(string contentType) =>
        contentType is "image/png" or "image/jpeg" or "image/gif" or "image/webp" or "image/bmp";
}
