using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;

namespace PrivateMail.Web.Features.MyMail;

/// <summary>
/// How a compose view starts: a new message (optionally to given addresses), a reply/reply-all/forward of a message, a
/// saved draft to edit, or a reply to a ticket. It travels as the query string of <c>/my-mail/compose</c>, so the page
/// variant survives a reload, and the dialog variant builds its draft from the same description.
/// </summary>
public sealed record ComposeRequest
{
    public ComposeKind Kind { get; init; } = ComposeKind.New;
    public IReadOnlyList<string> To { get; init; } = [];
    public string? Subject { get; init; }
    public string? Folder { get; init; }
    public uint? Uid { get; init; }
    public int? TicketId { get; init; }
    /// <summary>Open the message at <see cref="Folder"/>/<see cref="Uid"/> (a saved draft) for editing.</summary>
    public bool EditDraft { get; init; }
    /// <summary>A local address to return to after sending or discarding (page variant).</summary>
    public string? ReturnUrl { get; init; }

    public static ComposeRequest NewTo(string address, string? subject = null) => new() { To = [address], Subject = subject };

    public static ComposeRequest ReplyTo(ComposeKind kind, string folder, uint uid) => new() { Kind = kind, Folder = folder, Uid = uid };

    public static ComposeRequest Draft(string folder, uint uid) => new() { EditDraft = true, Folder = folder, Uid = uid };

    public static ComposeRequest TicketReply(int ticketId) => new() { TicketId = ticketId, Kind = ComposeKind.Reply, ReturnUrl = $"tickets/{ticketId}" };

    /// <summary>The page variant's address, <c>my-mail/compose?…</c>.</summary>
    public string PageUrl()
    {
        var query = new Dictionary<string, string?>();
        if (TicketId is { } ticket)
        {
            query["ticket"] = ticket.ToString(CultureInfo.InvariantCulture);
        }
        else if (EditDraft && Folder is not null && Uid is { } draftUid)
        {
            query["draft"] = draftUid.ToString(CultureInfo.InvariantCulture);
            query["folder"] = Folder;
        }
        else if (Kind != ComposeKind.New && Folder is not null && Uid is { } uid)
        {
            query["kind"] = Kind.ToString();
            query["folder"] = Folder;
            query["uid"] = uid.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            if (To.Count > 0)
            {
                query["to"] = string.Join(",", To);
            }

            if (!string.IsNullOrEmpty(Subject))
            {
                query["subject"] = Subject;
            }
        }

        if (ReturnUrl is not null && IsLocal(ReturnUrl))
        {
            query["returnUrl"] = ReturnUrl;
        }

        return QueryHelpers.AddQueryString("my-mail/compose", query);
    }

    /// <summary>Reads the page's query string back; anything malformed falls back to a new, empty message.</summary>
    public static ComposeRequest FromQuery(string? to, string? subject, string? kind, string? folder, string? uid, string? ticket, string? draft, string? returnUrl)
    {
        var back = returnUrl is not null && IsLocal(returnUrl) ? returnUrl : null;
        if (int.TryParse(ticket, NumberStyles.None, CultureInfo.InvariantCulture, out var ticketId))
        {
            return TicketReply(ticketId) with { ReturnUrl = back ?? $"tickets/{ticketId}" };
        }

        if (!string.IsNullOrEmpty(folder) && uint.TryParse(draft, NumberStyles.None, CultureInfo.InvariantCulture, out var draftUid))
        {
            return Draft(folder, draftUid) with { ReturnUrl = back };
        }

        if (!string.IsNullOrEmpty(folder) && Enum.TryParse<ComposeKind>(kind, ignoreCase: true, out var composeKind) && composeKind != ComposeKind.New
            && uint.TryParse(uid, NumberStyles.None, CultureInfo.InvariantCulture, out var messageUid))
        {
            return ReplyTo(composeKind, folder, messageUid) with { ReturnUrl = back };
        }

        var addresses = (to ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new ComposeRequest { To = addresses, Subject = string.IsNullOrWhiteSpace(subject) ? null : subject, ReturnUrl = back };
    }

    /// <summary>Only app-relative addresses: never another site (no scheme, no "//host", no backslashes).</summary>
    internal static bool IsLocal(string url) =>
        url.Length > 0 && url[0] is not ('/' or '\\') && !url.Contains(':', StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
        && Uri.TryCreate(url, UriKind.Relative, out _);
}
