using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace PrivateMail.Web.Features.Records.Emails;

/// <summary>The HTML of an e-mail made safe to show, and how many remote images were held back.</summary>
public sealed record SafeEmailHtml(string Document, int BlockedImages);

/// <summary>
/// Cleans e-mail HTML with HtmlSanitizer: no scripts, event handlers, <c>javascript:</c> URLs, CSS expressions, forms
/// or frames. Remote images (and any other remote resource: CSS backgrounds, fonts) are blocked unless the user asked
/// to see them, so opening a mail does not tell a tracker it was read; <c>cid:</c> images resolve to the attachment
/// endpoint. Links open in a new tab without a referrer. The result is a whole document for a sandboxed frame.
/// </summary>
public sealed partial class EmailHtmlSanitizer
{
    /// <summary>Marks an element whose remote image was held back, for the frame's stylesheet.</summary>
    public const string BlockedMarker = "data-pm-blocked";

    private static readonly string[] ForbiddenTags = ["form", "input", "button", "select", "option", "textarea", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link", "meta"];

    /// <summary>Sanitises for storage: scripts and the like removed, remote images kept for a later "show images".</summary>
    public string SanitiseForStorage(string html) => Sanitise(html, allowRemote: true, resolveContentId: null, out _);

    /// <summary>A complete, safe document to put in a sandboxed frame's <c>srcdoc</c>.</summary>
    /// <param name="resolveContentId">Maps a Content-ID (without brackets) to the attachment's URL, or null when unknown.</param>
    public SafeEmailHtml ForDisplay(string html, bool showRemoteImages, Func<string, string?> resolveContentId)
    {
        var body = Sanitise(html, showRemoteImages, resolveContentId, out var blocked);
        // Defence in depth: even if something slipped through, the frame's policy allows no script and, while images are
        // blocked, no request to any other server.
        var images = showRemoteImages ? "'self' data: https: http:" : "'self' data:";
        var document = new StringBuilder()
            .Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\">")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'none'; form-action 'none'; style-src 'unsafe-inline'; font-src 'self' data:; img-src ")
            .Append(images)
            .Append("\">")
            .Append("<meta name=\"referrer\" content=\"no-referrer\"><base target=\"_blank\">")
            .Append("<style>body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:14px;line-height:1.5;color:#1f2933;margin:12px;word-wrap:break-word}")
            .Append("img{max-width:100%;height:auto}img[").Append(BlockedMarker).Append("]{display:inline-block;min-width:24px;min-height:24px;background:#eef1f4;outline:1px dashed #9aa5b1}")
            .Append("pre{white-space:pre-wrap}blockquote{margin:0 0 0 .5em;padding-left:.75em;border-left:3px solid #cbd2d9;color:#52606d}</style>")
            .Append("</head><body>")
            .Append(body)
            .Append("</body></html>")
            .ToString();
        return new SafeEmailHtml(document, blocked);
    }

    /// <summary>Readable plain text of an HTML body, for mail that has no text part (ticket descriptions, previews).</summary>
    public static string ToPlainText(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        foreach (var hidden in document.QuerySelectorAll("script, style, head, title").ToList())
        {
            hidden.Remove();
        }

        var text = new StringBuilder();
        Walk(document.Body ?? (INode)document, text);
        return ExtraBlankLines().Replace(HorizontalSpace().Replace(text.ToString(), " "), "\n\n").Trim();
    }

    private static void Walk(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IText t)
            {
                text.Append(t.Data);
                continue;
            }

            if (child is not IElement element)
            {
                continue;
            }

            var block = element.LocalName is "p" or "div" or "br" or "tr" or "li" or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "blockquote" or "table" or "pre";
            if (element.LocalName == "br")
            {
                text.Append('\n');
                continue;
            }

            Walk(element, text);
            if (block)
            {
                text.Append('\n');
            }
        }
    }

    private static string Sanitise(string html, bool allowRemote, Func<string, string?>? resolveContentId, out int blocked)
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedTags.Add("style");
        foreach (var tag in ForbiddenTags)
        {
            sanitizer.AllowedTags.Remove(tag);
        }

        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedSchemes.Add("tel");
        sanitizer.AllowedSchemes.Add("cid");
        sanitizer.AllowedAttributes.Add("bgcolor");
        sanitizer.AllowedAttributes.Add("background");

        var heldBack = new HashSet<IElement>();
        sanitizer.FilterUrl += (_, e) =>
        {
            var original = e.OriginalUrl.Trim();
            if (original.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
            {
                // Stored as cid: (attachment ids are known only after storing); rewritten for display.
                e.SanitizedUrl = resolveContentId is null ? original : resolveContentId(Uri.UnescapeDataString(original[4..]).Trim('<', '>', ' '));
                return;
            }

            if (original.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase) && e.Tag.LocalName == "img")
            {
                e.SanitizedUrl = original;
                return;
            }

            if (e.SanitizedUrl is null || allowRemote || !IsRemote(e.SanitizedUrl))
            {
                return;
            }

            // A link's own target may stay (clicking it is the user's choice); anything loaded by merely opening the mail may not.
            var isLinkTarget = e.Tag.LocalName is "a" or "area" && string.Equals(e.Tag.GetAttribute("href")?.Trim(), original, StringComparison.Ordinal);
            if (!isLinkTarget)
            {
                e.SanitizedUrl = null;
                heldBack.Add(e.Tag);
            }
        };

        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is not IElement element)
            {
                return;
            }

            if (element.LocalName is "a" or "area" && element.HasAttribute("href"))
            {
                element.SetAttribute("target", "_blank");
                element.SetAttribute("rel", "noopener noreferrer");
            }

            if (!allowRemote && element.GetAttribute("style") is { } style && RemoteCssUrl().IsMatch(style))
            {
                element.SetAttribute("style", RemoteCssUrl().Replace(style, "none"));
                heldBack.Add(element);
            }

            if (!allowRemote && element.LocalName == "style" && RemoteCssUrl().IsMatch(element.TextContent))
            {
                element.TextContent = RemoteCssUrl().Replace(element.TextContent, "none");
            }

            if (heldBack.Contains(element))
            {
                element.SetAttribute(BlockedMarker, "");
            }
        };

        var result = sanitizer.Sanitize(html);
        blocked = heldBack.Count;
        return result;
    }

    private static bool IsRemote(string url) =>
        url.StartsWith("http:", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
        || url.StartsWith("//", StringComparison.Ordinal);

    [GeneratedRegex(@"url\(\s*['""]?\s*(?:https?:)?//[^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex RemoteCssUrl();

    [GeneratedRegex(@"[ \t\u00a0]+")]
    private static partial Regex HorizontalSpace();

    [GeneratedRegex(@"\s*\n\s*\n\s*(\n\s*)*")]
    private static partial Regex ExtraBlankLines();
}
