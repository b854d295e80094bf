using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Features.MyMail;
using PrivateMail.Web.Mail;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// An in-memory mailbox behind <see cref="IMyMailReader"/> for the My mail pages' component tests: folders with
/// messages, the queries the page asked for, and a problem to answer with instead. The real reader is proven against
/// Dovecot in its own tests and in the browser journey.
/// </summary>
public sealed class FakeMyMailReader : IMyMailReader
{
    private readonly object _gate = new();

    public List<MailFolderInfo> Folders { get; } = [];
    public Dictionary<string, List<Envelope>> Messages { get; } = new(StringComparer.Ordinal);
    public Dictionary<(string Folder, uint Uid), MessageView> Views { get; } = [];
    public List<MessageQuery> Queries { get; } = [];
    public List<(string Folder, IReadOnlyList<uint> Uids, FlagChange Change)> FlagChanges { get; } = [];
    public List<(string Folder, IReadOnlyList<uint> Uids, string Target)> Moves { get; } = [];
    public List<(string Folder, IReadOnlyList<uint> Uids)> Deletes { get; } = [];
    public List<(string Folder, uint Uid)> Opened { get; } = [];
    public int StateCalls;

    /// <summary>When set, every call fails with this problem.</summary>
    public MyMailResult? Failure { get; set; }

    public uint UidValidity { get; set; } = 7;

    public void AddFolder(string fullName, FolderRole role = FolderRole.None, int depth = 0, bool canSelect = true)
    {
        var name = fullName.Split('/')[^1];
        Folders.Add(new MailFolderInfo(fullName, name, depth, role, canSelect, 0, 0));
        Messages[fullName] = [];
        Refresh(fullName);
    }

    public Envelope AddMessage(string folder, string from, string subject, bool seen = false, DateTimeOffset? date = null, string? html = null, string text = "Hello",
        IReadOnlyList<MessageAttachment>? attachments = null)
    {
        lock (_gate)
        {
            var list = Messages[folder];
            var uid = list.Count == 0 ? 1u : list.Max(m => m.Uid) + 1;
            var address = from.Contains('<', StringComparison.Ordinal) ? from[(from.IndexOf('<') + 1)..^1] : from;
            var summary = new Envelope(uid, from, address, "olga@example.test", subject, date ?? new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero).AddMinutes(uid),
                1200 + uid, seen, false, false, attachments is { Count: > 0 });
            list.Add(summary);
            Views[(folder, uid)] = new MessageView
            {
                Folder = folder, Uid = uid, From = from, To = "olga@example.test", Subject = subject, Date = summary.Date, Html = html, Text = text,
                Seen = seen, Attachments = attachments ?? [], MessageId = $"<{uid}@test>",
            };
            Refresh(folder);
            return summary;
        }
    }

    private void Refresh(string folder)
    {
        var index = Folders.FindIndex(f => f.FullName == folder);
        var list = Messages[folder];
        Folders[index] = Folders[index] with { Unread = list.Count(m => !m.Seen), Total = list.Count };
    }

    private uint UidNext(string folder) => Messages[folder].Count == 0 ? 1 : Messages[folder].Max(m => m.Uid) + 1;

    public Task<MyMailResult<IReadOnlyList<MailFolderInfo>>> GetFoldersAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(Failure is { } f
                ? new MyMailResult<IReadOnlyList<MailFolderInfo>> { Problem = f.Problem, Message = f.Message }
                : new MyMailResult<IReadOnlyList<MailFolderInfo>> { Value = Folders.ToList() });
        }
    }

    public Task<MyMailResult<MessagePage>> GetMessagesAsync(MessageQuery query, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Queries.Add(query);
            if (Failure is { } f)
            {
                return Task.FromResult(new MyMailResult<MessagePage> { Problem = f.Problem, Message = f.Message });
            }

            IEnumerable<Envelope> rows = Messages[query.Folder];
            if (query.Search is { } search)
            {
                rows = rows.Where(m => m.Subject.Contains(search, StringComparison.OrdinalIgnoreCase) || m.From.Contains(search, StringComparison.OrdinalIgnoreCase));
            }

            rows = query.Sort switch
            {
                EnvelopeOrder.DateAscending => rows.OrderBy(m => m.Date),
                EnvelopeOrder.SenderAscending => rows.OrderBy(m => m.From, StringComparer.OrdinalIgnoreCase),
                EnvelopeOrder.SenderDescending => rows.OrderByDescending(m => m.From, StringComparer.OrdinalIgnoreCase),
                EnvelopeOrder.SubjectAscending => rows.OrderBy(m => m.Subject, StringComparer.OrdinalIgnoreCase),
                EnvelopeOrder.SubjectDescending => rows.OrderByDescending(m => m.Subject, StringComparer.OrdinalIgnoreCase),
                _ => rows.OrderByDescending(m => m.Date),
            };
            var all = rows.ToList();
            var page = all.Skip(query.PageIndex * query.PageSize).Take(query.PageSize).ToList();
            return Task.FromResult(new MyMailResult<MessagePage> { Value = new MessagePage(page, all.Count, UidNext(query.Folder), UidValidity) });
        }
    }

    public Task<MyMailResult<FolderCounters>> GetFolderStateAsync(string folder, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Interlocked.Increment(ref StateCalls);
            var list = Messages[folder];
            return Task.FromResult(new MyMailResult<FolderCounters> { Value = new FolderCounters(UidNext(folder), UidValidity, list.Count(m => !m.Seen), list.Count) });
        }
    }

    public Task<MyMailResult<MessageView>> OpenAsync(string folder, uint uid, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Opened.Add((folder, uid));
            if (!Views.TryGetValue((folder, uid), out var view))
            {
                return Task.FromResult(new MyMailResult<MessageView> { Problem = MyMailProblem.NotFound, Message = "The message no longer exists." });
            }

            SetSeen(folder, [uid], true);
            return Task.FromResult(new MyMailResult<MessageView> { Value = view with { Seen = true } });
        }
    }

    private void SetSeen(string folder, IEnumerable<uint> uids, bool seen)
    {
        var list = Messages[folder];
        foreach (var uid in uids)
        {
            var i = list.FindIndex(m => m.Uid == uid);
            if (i >= 0)
            {
                list[i] = list[i] with { Seen = seen };
            }
        }

        Refresh(folder);
    }

    public Task<MyMailResult> SetFlagsAsync(string folder, IReadOnlyList<uint> uids, FlagChange change, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            FlagChanges.Add((folder, uids, change));
            if (change is FlagChange.MarkRead or FlagChange.MarkUnread)
            {
                SetSeen(folder, uids, change == FlagChange.MarkRead);
            }
            else
            {
                var list = Messages[folder];
                for (var i = 0; i < list.Count; i++)
                {
                    if (uids.Contains(list[i].Uid))
                    {
                        list[i] = list[i] with { Flagged = change == FlagChange.Flag };
                    }
                }
            }

            return Task.FromResult(MyMailResult.Ok);
        }
    }

    public Task<MyMailResult> MoveAsync(string folder, IReadOnlyList<uint> uids, string targetFolder, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Moves.Add((folder, uids, targetFolder));
            Messages[folder].RemoveAll(m => uids.Contains(m.Uid));
            Refresh(folder);
            return Task.FromResult(MyMailResult.Ok);
        }
    }

    public Task<MyMailResult> DeleteAsync(string folder, IReadOnlyList<uint> uids, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Deletes.Add((folder, uids));
            Messages[folder].RemoveAll(m => uids.Contains(m.Uid));
            Refresh(folder);
            return Task.FromResult(MyMailResult.Ok);
        }
    }

    public Task<bool> DeletesPermanentlyAsync(string folder, CancellationToken cancellationToken = default) =>
        Task.FromResult(Folders.FirstOrDefault(f => f.FullName == folder)?.Role == FolderRole.Trash);

    public Task<MyMailResult<int>> LinkToRecordAsync(string folder, uint uid, RecordKind kind, string recordId, CancellationToken cancellationToken = default) =>
        Task.FromResult(new MyMailResult<int> { Value = 1 });
}

/// <summary>An in-memory <see cref="IMyMailSender"/>: the drafts it hands out, what was sent or saved, and the answer to give.</summary>
public sealed class FakeMyMailSender : IMyMailSender
{
    public List<ComposeDraft> Sent { get; } = [];
    public List<ComposeDraft> Saved { get; } = [];
    public List<ComposeDraft> Discarded { get; } = [];
    public List<AddressSuggestion> Directory { get; } = [];
    public string Signature { get; set; } = "-- \nOlga Tester";

    /// <summary>The next send's answer instead of success (the draft is then not recorded as sent).</summary>
    public MyMailResult<int>? SendResult { get; set; }

    public long MaxAttachmentBytes { get; set; } = 25 * 1024 * 1024;

    public Task<MyMailResult<ComposeDraft>> CreateDraftAsync(ComposeKind kind, string? folder = null, uint? uid = null, CancellationToken cancellationToken = default)
    {
        var draft = new ComposeDraft { Kind = kind, Body = $"\n\n{Signature}", SourceFolder = folder, SourceUid = uid };
        if (kind != ComposeKind.New)
        {
            draft.To = ["Anna Nowak <anna@customer.example>"];
            draft.Subject = (kind == ComposeKind.Forward ? "Fwd: " : "Re: ") + "Invoice 03/2026";
            draft.Body = $"\n\n{Signature}\n\nOn 2026-03-01, Anna Nowak wrote:\n> Where is my invoice?";
            draft.InReplyTo = "<1@test>";
            draft.References = ["<1@test>"];
        }

        return Task.FromResult(new MyMailResult<ComposeDraft> { Value = draft });
    }

    public Task<MyMailResult<ComposeDraft>> CreateDraftToAsync(IReadOnlyList<string> to, string? subject = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(new MyMailResult<ComposeDraft> { Value = new ComposeDraft { To = to.ToList(), Subject = subject ?? "", Body = $"\n\n{Signature}" } });

    /// <summary>Saved drafts by (folder, uid) for Edit draft; unknown ones are not found.</summary>
    public Dictionary<(string Folder, uint Uid), ComposeDraft> SavedDrafts { get; } = [];

    public Task<MyMailResult<ComposeDraft>> OpenDraftAsync(string folder, uint uid, CancellationToken cancellationToken = default) =>
        Task.FromResult(SavedDrafts.TryGetValue((folder, uid), out var draft)
            ? new MyMailResult<ComposeDraft> { Value = draft }
            : new MyMailResult<ComposeDraft> { Problem = MyMailProblem.NotFound, Message = "Not found" });

    public Task<MyMailResult<ComposeDraft>> CreateTicketReplyAsync(int ticketId, CancellationToken cancellationToken = default) =>
        Task.FromResult(new MyMailResult<ComposeDraft>
        {
            Value = new ComposeDraft { Kind = ComposeKind.Reply, To = ["anna@customer.example"], Subject = $"Re: [T{ticketId}] Printer", Body = $"\n\n{Signature}", TicketId = ticketId },
        });

    public Task<IReadOnlyList<AddressSuggestion>> SuggestAddressesAsync(string text, int max = 10, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<AddressSuggestion>>(Directory
            .Where(s => s.Address.Contains(text, StringComparison.OrdinalIgnoreCase) || s.DisplayName.Contains(text, StringComparison.OrdinalIgnoreCase))
            .Take(max).ToList());

    public Task<MyMailResult<int>> SendAsync(ComposeDraft draft, CancellationToken cancellationToken = default)
    {
        if (SendResult is { } result)
        {
            return Task.FromResult(result);
        }

        Sent.Add(draft);
        return Task.FromResult(new MyMailResult<int> { Value = 1 });
    }

    public Task<MyMailResult<uint>> SaveDraftAsync(ComposeDraft draft, CancellationToken cancellationToken = default)
    {
        Saved.Add(draft);
        return Task.FromResult(new MyMailResult<uint> { Value = 99 });
    }

    /// <summary>Uploads kept, with their bytes (the real sender writes them to the user's temporary folder).</summary>
    public List<(ComposeAttachment Attachment, byte[] Content)> Uploads { get; } = [];

    public async Task<MyMailResult<ComposeAttachment>> AddAttachmentAsync(string fileName, string contentType, Stream content, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var attachment = new ComposeAttachment(fileName, contentType, buffer.Length, Path.Combine(Path.GetTempPath(), "fake-" + Guid.NewGuid().ToString("N")));
        Uploads.Add((attachment, buffer.ToArray()));
        return new MyMailResult<ComposeAttachment> { Value = attachment };
    }

    public Task DiscardAsync(ComposeDraft draft, CancellationToken cancellationToken = default)
    {
        Discarded.Add(draft);
        return Task.CompletedTask;
    }
}
