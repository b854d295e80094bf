using System.Globalization;
using System.Text.RegularExpressions;

namespace PrivateMail.Domain.Records;

/// <summary>
/// A record number such as ticket <c>T42</c>: a module prefix and a sequence that is never reused.
/// Replies carry it in their subject, usually in brackets: <c>Re: [T42] Printer on fire</c>.
/// </summary>
public readonly partial record struct RecordNumber(string Prefix, long Sequence)
{
    /// <summary>The prefix of ticket numbers.</summary>
    public const string TicketPrefix = "T";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Sequence}");

    /// <summary>The form used in e-mail subjects: <c>[T42]</c>.</summary>
    public string ToSubjectTag() => $"[{this}]";

    /// <summary>Parses a whole value such as <c>T42</c>, <c>[T42]</c> or <c> t42 </c>.</summary>
    public static bool TryParse(string? text, string prefix, out RecordNumber number)
    {
        number = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim();
        if (value.Length > 2 && value[0] == '[' && value[^1] == ']')
        {
            value = value[1..^1].Trim();
        }

        if (!value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var digits = value[prefix.Length..];
        if (digits.Length is 0 or > 18 || !digits.All(char.IsAsciiDigit) || (digits.Length > 1 && digits[0] == '0'))
        {
            return false;
        }

        number = new RecordNumber(prefix, long.Parse(digits, CultureInfo.InvariantCulture));
        return number.Sequence > 0;
    }

    /// <summary>
    /// Every number with the prefix found in a subject, bracketed ones first, in order of appearance, without
    /// duplicates. A bare number counts only as a whole word, so "ST42" or "T42b" are not ticket T42.
    /// </summary>
    // Both patterns are linear; the timeout is only a backstop. It is wall-clock time, and at 100 ms a busy machine that
    // descheduled the scan mid-match (the benchmark saw it at load 25 on 2 cores) quarantined a perfectly good message.
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    // Built once per prefix: the scanner looks at every subject twice, and parsing two patterns each time cost more than matching.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (Regex Bracketed, Regex Bare)> SubjectPatterns = new(StringComparer.Ordinal);

    public static IReadOnlyList<RecordNumber> FindInSubject(string? subject, string prefix)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return [];
        }

        var (bracketed, bare) = SubjectPatterns.GetOrAdd(prefix, static p =>
        {
            var escaped = Regex.Escape(p);
            return (
                new Regex(@"\[\s*" + escaped + @"([1-9][0-9]{0,17})\s*\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout),
                new Regex(@"(?<![\p{L}\p{N}_\-/])" + escaped + @"([1-9][0-9]{0,17})(?![\p{L}\p{N}_])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout));
        });

        var found = new List<RecordNumber>();
        foreach (var regex in new[] { bracketed, bare })
        {
            foreach (Match match in regex.Matches(subject))
            {
                var number = new RecordNumber(prefix, long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
                if (!found.Contains(number))
                {
                    found.Add(number);
                }
            }
        }

        return found;
    }
}
