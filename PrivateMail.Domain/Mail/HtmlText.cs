using System.Text;

namespace PrivateMail.Domain.Mail;

/// <summary>Plain text out of HTML without a parser, for HTML too large to parse safely.</summary>
public static class HtmlText
{
    /// <summary>
    /// Text of HTML too large to parse: tags dropped in one linear pass (no DOM, no regex), entities left as written,
    /// at most <paramref name="maxChars"/> characters. Used only where the HTML itself is kept aside unparsed.
    /// </summary>
    public static string Rough(string html, int maxChars)
    {
        var text = new StringBuilder(Math.Min(html.Length, maxChars));
        var lastSpace = false;
        var i = 0;
        while (i < html.Length && text.Length < maxChars)
        {
            var c = html[i];
            if (c == '<')
            {
                // Script and style content is never text.
                var skip = StartsTag(html, i, "script") ? "</script" : StartsTag(html, i, "style") ? "</style" : null;
                var close = skip is null ? i : html.IndexOf(skip, i, StringComparison.OrdinalIgnoreCase);
                var end = close < 0 ? -1 : html.IndexOf('>', close);
                if (end < 0)
                {
                    break;
                }

                i = end + 1;
                if (!lastSpace)
                {
                    text.Append(' ');
                    lastSpace = true;
                }

                continue;
            }

            var space = char.IsWhiteSpace(c);
            if (!space || !lastSpace)
            {
                text.Append(space ? ' ' : c);
            }

            lastSpace = space;
            i++;
        }

        return text.ToString().Trim();
    }

    private static bool StartsTag(string html, int at, string name) =>
        string.Compare(html, at + 1, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0;
}
