namespace PrivateMail.Web.Features.MyMail;

/// <summary>Turns a <see cref="ComposeRequest"/> into the draft the compose view edits, through the My mail services.</summary>
internal static class ComposeDrafts
{
    public static async Task<MyMailResult<ComposeDraft>> CreateAsync(ComposeRequest request, IMyMailSender sender, CancellationToken cancellationToken = default)
    {
        if (request.TicketId is { } ticketId)
        {
            return await sender.CreateTicketReplyAsync(ticketId, cancellationToken);
        }

        if (request.EditDraft && request.Folder is { } draftFolder && request.Uid is { } draftUid)
        {
            return await sender.OpenDraftAsync(draftFolder, draftUid, cancellationToken);
        }

        if (request.Kind != ComposeKind.New && request.Folder is { } folder && request.Uid is { } uid)
        {
            return await sender.CreateDraftAsync(request.Kind, folder, uid, cancellationToken);
        }

        return request.To.Count > 0 || request.Subject is not null
            ? await sender.CreateDraftToAsync(request.To, request.Subject, cancellationToken)
            : await sender.CreateDraftAsync(ComposeKind.New, cancellationToken: cancellationToken);
    }
}

/// <summary>Splits a header-style address list ("A, \"B, C\" &lt;b@x&gt;") at the commas that separate addresses.</summary>
internal static class AddressList
{
    public static List<string> Split(string? list)
    {
        var result = new List<string>();
        if (string.IsNullOrWhiteSpace(list))
        {
            return result;
        }

        var start = 0;
        var quoted = false;
        var angle = false;
        for (var i = 0; i < list.Length; i++)
        {
            switch (list[i])
            {
                case '"':
                    quoted = !quoted;
                    break;
                case '<' when !quoted:
                    angle = true;
                    break;
                case '>' when !quoted:
                    angle = false;
                    break;
                case ',' or ';' when !quoted && !angle:
                    Add(list[start..i]);
                    start = i + 1;
                    break;
            }
        }

        Add(list[start..]);
        return result;

        void Add(string part)
        {
            if (part.Trim() is { Length: > 0 } address)
            {
                result.Add(address);
            }
        }
    }
}
