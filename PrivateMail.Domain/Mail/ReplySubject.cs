using System.Text.RegularExpressions;

namespace PrivateMail.Domain.Mail;

/// <summary>
/// Subjects of replies and forwards: one <c>Re: </c> or <c>Fwd: </c> in front, never doubled, whatever language the
/// previous mail program wrote its prefix in (Re, RE, Odp, AW, SV, Fwd, Fw, PD, WG, TR, with or without a counter like
/// <c>Re[2]:</c>), and no line break ever (a subject is one header line).
/// </summary>
public static partial class ReplySubject
{
    public static string Reply(string? subject) => "Re: " + StripPrefixes(subject);

    public static string Forward(string? subject) => "Fwd: " + StripPrefixes(subject);

    /// <summary>The subject without any leading reply or forward prefixes and with line breaks turned into spaces.</summary>
    public static string StripPrefixes(string? subject)
    {
        var text = SingleLine(subject);
        while (Prefix().Match(text) is { Success: true } match)
        {
            text = text[match.Length..];
        }

        return text.Trim();
    }

    /// <summary>CR, LF and other control characters become spaces: a header cannot be split, nor a new one injected.</summary>
    public static string SingleLine(string? text) =>
        string.IsNullOrEmpty(text) ? "" : ControlCharacters().Replace(text, " ").Trim();

    [GeneratedRegex(@"^\s*(re|odp|aw|sv|vs|fwd?|pd|wg|tr|rv)\s*(\[\d+\]|\(\d+\))?\s*:\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Prefix();

    [GeneratedRegex(@"[\p{Cc}\u2028\u2029]+")]
    private static partial Regex ControlCharacters();
}
