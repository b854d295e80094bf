using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Records;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Records.Shared;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MyMail;

/// <summary>
/// My mail: folders, a server-paged message list and a reading pane over the user's own IMAP mailbox. IMAP is touched only
/// once the page is interactive (not while prerendering); while it is open a timer polls the folder's state and refreshes
/// the list and counts when new mail arrives or something changes.
/// </summary>
public sealed partial class MyMailPage
{
    /// <summary>How often the open folder is checked for new mail.</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    internal const int PageSize = 50;

    private readonly HashSet<uint> _selected = [];
    private readonly CancellationTokenSource _disposed = new();
    private IReadOnlyList<MailFolderInfo>? _folders;
    private string? _folder;
    private MessagePage? _page;
    private int _pageIndex;
    private EnvelopeOrder _sort = EnvelopeOrder.DateDescending;
    private string? _searchText;
    private string? _search;
    private MessageView? _open;
    private MyMailResult? _problem;
    private string? _listProblem;
    private bool _listLoading;
    private bool _openLoading;
    private bool _ready;
    private FolderCounters? _known;
    private ITimer? _timer;
    private int _polling;

    [Inject]
    public required IMyMailReader Reader { get; init; }

    [Inject]
    public required ComposeLauncher Composer { get; init; }

    [Inject]
    public required PrivateMail.Web.Features.MySettings.UserTimeProvider Clock { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    private MailFolderInfo? CurrentFolder => _folders?.FirstOrDefault(f => string.Equals(f.FullName, _folder, StringComparison.Ordinal));

    /// <summary>In Sent and Drafts the list names the recipients, as mail clients do.</summary>
    private bool IsOutgoing => CurrentFolder?.Role is FolderRole.Sent or FolderRole.Drafts;

    private bool HasNextPage => _page is { } page && (_pageIndex + 1) * PageSize < page.Total;

    private bool? AllSelected => _page is not { Messages.Count: > 0 } page || _selected.Count == 0 ? false
        : page.Messages.All(m => _selected.Contains(m.Uid)) ? true : null;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && Modules.IsEnabled(CrmModule.MyMail))
        {
            await ReloadAllAsync();
            StateHasChanged();
        }
    }

    protected override async Task OnModulesChangedAsync()
    {
        if (Modules.IsEnabled(CrmModule.MyMail) && _folders is null)
        {
            await ReloadAllAsync();
        }
    }

    /// <summary>Folders, then the first folder's (or the current folder's) first page; a mailbox problem replaces the page.</summary>
    private async Task ReloadAllAsync()
    {
        await Clock.LoadAsync();
        _problem = null;
        var folders = await Reader.GetFoldersAsync(_disposed.Token);
        if (!folders.Succeeded || folders.Value is null)
        {
            _problem = folders;
            _folders = null;
            return;
        }

        _folders = folders.Value;
        if (CurrentFolder is null)
        {
            _folder = MailFolderTree.Ordered(_folders).FirstOrDefault(f => f.CanSelect)?.FullName;
            _pageIndex = 0;
        }

        await LoadListAsync();
        _ready = true;
        StartPolling();
    }

    private async Task LoadListAsync()
    {
        if (_folder is null)
        {
            _page = null;
            return;
        }

        _listLoading = true;
        StateHasChanged();
        try
        {
            var result = await Reader.GetMessagesAsync(new MessageQuery(_folder, _pageIndex, PageSize, _sort, string.IsNullOrWhiteSpace(_search) ? null : _search), _disposed.Token);
            if (result.Value is { } page)
            {
                _page = page;
                _listProblem = null;
                _selected.IntersectWith(page.Messages.Select(m => m.Uid));
                var folder = CurrentFolder;
                _known = new FolderCounters(page.UidNext, page.UidValidity, folder?.Unread ?? 0, folder?.Total ?? page.Total);
            }
            else if (result.Problem is MyMailProblem.NoMailbox or MyMailProblem.ModuleDisabled or MyMailProblem.ConnectionFailed or MyMailProblem.AuthenticationFailed)
            {
                _problem = result;
            }
            else
            {
                _listProblem = result.Message ?? MyMailStrings.ProblemUnknown;
            }
        }
        finally
        {
            _listLoading = false;
        }
    }

    private async Task ReloadFoldersAsync()
    {
        var folders = await Reader.GetFoldersAsync(_disposed.Token);
        if (folders.Value is { } list)
        {
            _folders = list;
        }
    }

    private void StartPolling() => _timer ??= Time.CreateTimer(_ => _ = InvokeAsync(PollAsync), null, PollInterval, PollInterval);

    /// <summary>One look at the open folder; the list and the counts reload only when its state changed.</summary>
    internal async Task PollAsync()
    {
        if (_disposed.IsCancellationRequested || _folder is null || Interlocked.Exchange(ref _polling, 1) == 1)
        {
            return;
        }

        try
        {
            var state = await Reader.GetFolderStateAsync(_folder, _disposed.Token);
            if (state.Value is not { } now || now == _known || _disposed.IsCancellationRequested)
            {
                return;
            }

            _known = now;
            await ReloadFoldersAsync();
            await LoadListAsync();
            StateHasChanged();
        }
        catch (OperationCanceledException) when (_disposed.IsCancellationRequested)
        {
            // The page closed while the server answered.
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    private async Task SelectFolderAsync(string folder)
    {
        if (string.Equals(folder, _folder, StringComparison.Ordinal) && _pageIndex == 0 && string.IsNullOrEmpty(_search))
        {
            await RefreshAsync();
            return;
        }

        _folder = folder;
        _pageIndex = 0;
        _search = null;
        _searchText = null;
        _selected.Clear();
        _open = null;
        _page = null;
        await LoadListAsync();
    }

    private async Task RefreshAsync()
    {
        await ReloadFoldersAsync();
        await LoadListAsync();
    }

    private async Task GoToPageAsync(int index)
    {
        _pageIndex = Math.Max(0, index);
        _selected.Clear();
        await LoadListAsync();
    }

    private async Task SortChangedAsync(EnvelopeOrder sort)
    {
        _sort = sort;
        _pageIndex = 0;
        await LoadListAsync();
    }

    private async Task SearchKeyDownAsync(KeyboardEventArgs e)
    {
        if (e.Key is "Enter" or "NumpadEnter")
        {
            await RunSearchAsync(_searchText);
        }
        else if (e.Key == "Escape" && !string.IsNullOrEmpty(_search))
        {
            _searchText = null;
            await RunSearchAsync(null);
        }
    }

    private async Task SearchAdornmentAsync()
    {
        if (!string.IsNullOrEmpty(_search) && string.Equals(_searchText, _search, StringComparison.Ordinal))
        {
            _searchText = null;
            await RunSearchAsync(null);
        }
        else
        {
            await RunSearchAsync(_searchText);
        }
    }

    private async Task RunSearchAsync(string? text)
    {
        _search = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        _pageIndex = 0;
        _selected.Clear();
        await LoadListAsync();
    }

    private void ToggleSelected(uint uid, bool selected)
    {
        if (selected)
        {
            _selected.Add(uid);
        }
        else
        {
            _selected.Remove(uid);
        }
    }

    private void SelectAllChanged(bool? value)
    {
        if (value == true && _page is not null)
        {
            _selected.UnionWith(_page.Messages.Select(m => m.Uid));
        }
        else
        {
            _selected.Clear();
        }
    }

    private async Task OpenAsync(uint uid)
    {
        if (_folder is null)
        {
            return;
        }

        _openLoading = true;
        try
        {
            var result = await Reader.OpenAsync(_folder, uid, _disposed.Token);
            if (result.Value is { } view)
            {
                _open = view;
                MarkSeenLocally(uid);
            }
            else
            {
                Snackbar.Add(result.Message ?? MyMailStrings.ProblemUnknown, Severity.Warning);
                if (result.Problem == MyMailProblem.NotFound)
                {
                    await RefreshAsync();
                }
            }
        }
        finally
        {
            _openLoading = false;
        }
    }

    /// <summary>Opening marked it \Seen on the server; the list and the badge follow without another round trip.</summary>
    private void MarkSeenLocally(uint uid)
    {
        if (_page?.Messages.FirstOrDefault(m => m.Uid == uid) is not { Seen: false })
        {
            return;
        }

        _page = _page with { Messages = _page.Messages.Select(m => m.Uid == uid ? m with { Seen = true } : m).ToList() };
        if (_folders is not null)
        {
            _folders = _folders.Select(f => string.Equals(f.FullName, _folder, StringComparison.Ordinal) && f.Unread > 0 ? f with { Unread = f.Unread - 1 } : f).ToList();
            if (_known is not null)
            {
                _known = _known with { Unread = Math.Max(0, _known.Unread - 1) };
            }
        }

    }

    /// <summary>Arrow keys move through the list, opening the next or previous message.</summary>
    private async Task ListKeyDownAsync(KeyboardEventArgs e)
    {
        if (_page is not { Messages.Count: > 0 } page || e.Key is not ("ArrowDown" or "ArrowUp" or "j" or "k"))
        {
            return;
        }

        var index = _open is null ? -1 : page.Messages.ToList().FindIndex(m => m.Uid == _open.Uid);
        var next = e.Key is "ArrowDown" or "j" ? index + 1 : index - 1;
        if (next >= 0 && next < page.Messages.Count)
        {
            await OpenAsync(page.Messages[next].Uid);
        }
    }

    private void CloseOpen() => _open = null;

    private async Task BulkFlagAsync(FlagChange change) => await ApplyAsync(_selected.ToList(), change);

    private async Task FlagOpenAsync(FlagChange change)
    {
        if (_open is null)
        {
            return;
        }

        await ApplyAsync([_open.Uid], change);
        if (change == FlagChange.MarkUnread)
        {
            _open = null;
        }
        else if (_open is not null)
        {
            _open = _open with { Flagged = change == FlagChange.Flag };
        }
    }

    private async Task ApplyAsync(IReadOnlyList<uint> uids, FlagChange change)
    {
        if (_folder is null || uids.Count == 0)
        {
            return;
        }

        var result = await Reader.SetFlagsAsync(_folder, uids, change, _disposed.Token);
        if (!result.Succeeded)
        {
            Snackbar.Add(result.Message ?? MyMailStrings.ProblemUnknown, Severity.Error);
        }

        await RefreshAsync();
    }

    private async Task BulkMoveAsync(string target) => await MoveAsync(_selected.ToList(), target);

    private async Task MoveOpenAsync(string target)
    {
        if (_open is not null)
        {
            await MoveAsync([_open.Uid], target);
        }
    }

    private async Task MoveAsync(IReadOnlyList<uint> uids, string target)
    {
        if (_folder is null || uids.Count == 0)
        {
            return;
        }

        var result = await Reader.MoveAsync(_folder, uids, target, _disposed.Token);
        if (result.Succeeded)
        {
            var name = _folders?.FirstOrDefault(f => f.FullName == target) is { } folder ? MailFolderTree.DisplayName(folder) : target;
            Snackbar.Add(string.Format(CultureInfo.CurrentCulture, MyMailStrings.MovedFormat, uids.Count, name), Severity.Success);
            AfterRemoval(uids);
        }
        else
        {
            Snackbar.Add(result.Message ?? MyMailStrings.ProblemUnknown, Severity.Error);
        }

        await RefreshAsync();
    }

    private async Task BulkDeleteAsync() => await DeleteAsync(_selected.ToList());

    private async Task DeleteOpenAsync()
    {
        if (_open is not null)
        {
            await DeleteAsync([_open.Uid]);
        }
    }

    /// <summary>To Trash; from Trash (or without one) for good, after a confirmation.</summary>
    private async Task DeleteAsync(IReadOnlyList<uint> uids)
    {
        if (_folder is null || uids.Count == 0)
        {
            return;
        }

        var permanent = await Reader.DeletesPermanentlyAsync(_folder, _disposed.Token);
        if (permanent && !await Dialogs.ConfirmDeleteAsync(string.Format(CultureInfo.CurrentCulture, MyMailStrings.DeleteForGoodConfirm, uids.Count)))
        {
            return;
        }

        var result = await Reader.DeleteAsync(_folder, uids, _disposed.Token);
        if (result.Succeeded)
        {
            Snackbar.Add(string.Format(CultureInfo.CurrentCulture, permanent ? MyMailStrings.DeletedFormat : MyMailStrings.MovedToTrashFormat, uids.Count), Severity.Success);
            AfterRemoval(uids);
        }
        else
        {
            Snackbar.Add(result.Message ?? MyMailStrings.ProblemUnknown, Severity.Error);
        }

        await RefreshAsync();
    }

    private void AfterRemoval(IReadOnlyList<uint> uids)
    {
        _selected.ExceptWith(uids);
        if (_open is not null && uids.Contains(_open.Uid))
        {
            _open = null;
        }
    }

    private async Task LinkOpenAsync()
    {
        if (_open is null)
        {
            return;
        }

        var view = _open;
        var parameters = new DialogParameters<LinkRecordDialog>();
        if (view.StoredEmailId is { } emailId)
        {
            parameters.Add(d => d.EmailId, emailId);
        }
        else
        {
            // Not stored yet: the reader stores it through the scanner's path (deduplicated) and links it.
            parameters.Add(d => d.Link, async (kind, recordId) =>
            {
                var result = await Reader.LinkToRecordAsync(view.Folder, view.Uid, kind, recordId, _disposed.Token);
                return result.Succeeded ? null : result.Message ?? MyMailStrings.ProblemUnknown;
            });
        }

        var dialog = await Dialogs.ShowAsync<LinkRecordDialog>(RecordStrings.LinkToRecord, parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add(RecordStrings.Linked, Severity.Success);
            if (await Reader.OpenAsync(view.Folder, view.Uid, _disposed.Token) is { Value: { } reopened } && _open?.Uid == view.Uid)
            {
                _open = reopened;
            }
        }
    }

    private async Task ComposeNewAsync() => await ComposeAsync(new ComposeRequest { ReturnUrl = "my-mail" });

    private async Task ComposeFromOpenAsync(ComposeKind kind)
    {
        if (_open is not null)
        {
            await ComposeAsync(ComposeRequest.ReplyTo(kind, _open.Folder, _open.Uid) with { ReturnUrl = "my-mail" });
        }
    }

    private async Task EditDraftAsync()
    {
        if (_open is not null)
        {
            await ComposeAsync(ComposeRequest.Draft(_open.Folder, _open.Uid) with { ReturnUrl = "my-mail" });
        }
    }

    private async Task ComposeAsync(ComposeRequest request)
    {
        var outcome = await Composer.OpenAsync(request);
        if (outcome is ComposeOutcome.Sent or ComposeOutcome.SavedDraft)
        {
            if (outcome == ComposeOutcome.Sent && request.EditDraft)
            {
                _open = null;
            }

            await RefreshAsync();
        }
    }

    private string RangeText(MessagePage page) => page.Total == 0 ? "0"
        : string.Format(CultureInfo.CurrentCulture, MyMailStrings.RangeFormat, _pageIndex * PageSize + 1, Math.Min(page.Total, _pageIndex * PageSize + page.Messages.Count), page.Total);

    private static string RowClass(Envelope message, bool open) =>
        "pm-mail-row" + (message.Seen ? "" : " pm-mail-unread") + (open ? " pm-mail-row-open" : "") + (message.Flagged ? " pm-mail-row-flagged" : "");

    private static string Sender(Envelope message) =>
        string.IsNullOrWhiteSpace(message.From) ? (string.IsNullOrWhiteSpace(message.FromAddress) ? RecordStrings.UnknownSender : message.FromAddress) : message.From;

    private static string ToLabel(string to) => string.IsNullOrWhiteSpace(to) ? "—" : string.Format(CultureInfo.CurrentCulture, MyMailStrings.ToFormat, to);

    internal static string Subject(string? subject) => string.IsNullOrWhiteSpace(subject) ? MyMailStrings.NoSubject : subject;

    internal static string SortLabel(EnvelopeOrder sort) => sort switch
    {
        EnvelopeOrder.DateAscending => MyMailStrings.SortDateAscending,
        EnvelopeOrder.SenderAscending => MyMailStrings.SortSenderAscending,
        EnvelopeOrder.SenderDescending => MyMailStrings.SortSenderDescending,
        EnvelopeOrder.SubjectAscending => MyMailStrings.SortSubjectAscending,
        EnvelopeOrder.SubjectDescending => MyMailStrings.SortSubjectDescending,
        _ => MyMailStrings.SortDateDescending,
    };

    /// <summary>Stops polling: the timer goes with the page, and an answer still on its way is dropped.</summary>
    public override void Dispose()
    {
        _timer?.Dispose();
        _timer = null;
        _disposed.Cancel();
        base.Dispose();
    }
}
