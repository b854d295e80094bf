namespace PrivateMail.Domain.Mail;

/// <summary>An attachment as the scanner sees it: metadata only, the content stays in the MIME layer.</summary>
public sealed record AttachmentInfo(string FileName, string ContentType, long Size, bool IsInline, string? ContentId = null);

/// <summary>
/// What the scanner knows about one message: parsed, normalised addresses and the headers the rules need.
/// Built by the web project's MIME mapping; pure data, so every rule can be table-tested.
/// </summary>
public sealed record MessageSnapshot
{
    public EmailAddress? From { get; init; }
    public IReadOnlyList<EmailAddress> To { get; init; } = [];
    public IReadOnlyList<EmailAddress> Cc { get; init; } = [];
    public IReadOnlyList<EmailAddress> Bcc { get; init; } = [];
    public IReadOnlyList<EmailAddress> ReplyTo { get; init; } = [];
    public string Subject { get; init; } = "";
    public DateTimeOffset? Date { get; init; }
    /// <summary>The Message-ID without angle brackets, or null when missing or unusable.</summary>
    public string? MessageId { get; init; }
    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
    /// <summary>Auto-Submitted other than "no", X-Autoreply, Precedence auto_reply, or a delivery report.</summary>
    public bool IsAutoSubmitted { get; init; }
    /// <summary>List-Id / List-Unsubscribe / Precedence list or bulk.</summary>
    public bool IsBulk { get; init; }
    public string TextBody { get; init; } = "";
    public IReadOnlyList<AttachmentInfo> Attachments { get; init; } = [];

    /// <summary>Everyone on the message: sender first, then To, Cc, Bcc; each address once.</summary>
    public IReadOnlyList<EmailAddress> Participants => EachOnce(From, To, Cc, Bcc);

    /// <summary>The recipients (To, Cc, Bcc), each once.</summary>
    public IReadOnlyList<EmailAddress> Recipients => EachOnce(null, To, Cc, Bcc);

    /// <summary>
    /// The addresses in order, the first of each normalised address kept. Loops, not LINQ: the scanner asks for every
    /// message, and a message has a handful of addresses (a linear check; a set only for long lists).
    /// </summary>
    private static List<EmailAddress> EachOnce(EmailAddress? first, params ReadOnlySpan<IReadOnlyList<EmailAddress>> lists)
    {
        var count = first is null ? 0 : 1;
        foreach (var list in lists)
        {
            count += list.Count;
        }

        var result = new List<EmailAddress>(count);
        var seen = count > 32 ? new HashSet<string>(count, StringComparer.Ordinal) : null;
        if (first is not null)
        {
            AddOnce(result, seen, first);
        }

        foreach (var list in lists)
        {
            foreach (var address in list)
            {
                AddOnce(result, seen, address);
            }
        }

        return result;
    }

    private static void AddOnce(List<EmailAddress> result, HashSet<string>? seen, EmailAddress address)
    {
        if (seen is not null)
        {
            if (seen.Add(address.Normalised))
            {
                result.Add(address);
            }

            return;
        }

        foreach (var kept in result)
        {
            if (string.Equals(kept.Normalised, address.Normalised, StringComparison.Ordinal))
            {
                return;
            }
        }

        result.Add(address);
    }
}
