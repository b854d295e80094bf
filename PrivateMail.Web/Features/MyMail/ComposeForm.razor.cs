using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using MudBlazor;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MyMail;

public sealed partial class ComposeForm : IDisposable
{
    private AddressChipsInput? _to;
    private AddressChipsInput? _cc;
    private AddressChipsInput? _bcc;
    private IReadOnlyDictionary<string, string> _fieldErrors = new Dictionary<string, string>();
    private string? _error;
    private string? _attachmentError;
    private bool _showCc;
    private bool _showBcc;
    private bool _busy;
    private bool _sending;
    private bool _uploading;
    private ComposeDraft? _shown;
    private string _initial = "";

    /// <summary>The message being written; edited in place, so a failed send leaves it as typed.</summary>
    [Parameter, EditorRequired]
    public required ComposeDraft Draft { get; set; }

    /// <summary>Sent, saved as a draft or discarded: the host closes the dialog or leaves the page.</summary>
    [Parameter]
    public EventCallback<ComposeOutcome> OnDone { get; set; }

    /// <summary>Rows of the body field (fewer in the dialog).</summary>
    [Parameter]
    public int BodyLines { get; set; } = 16;

    [Inject]
    public required IMyMailSender Sender { get; init; }

    [Inject]
    public required IDialogService Dialogs { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    protected override void OnParametersSet()
    {
        if (!ReferenceEquals(_shown, Draft))
        {
            _shown = Draft;
            _initial = Fingerprint(Draft);
            _showCc = Draft.Cc.Count > 0;
            _showBcc = Draft.Bcc.Count > 0;
            _fieldErrors = new Dictionary<string, string>();
            _error = null;
        }
    }

    private string? FieldError(string field) => _fieldErrors.TryGetValue(field, out var message) ? message : null;

    private async Task<IReadOnlyList<AddressSuggestion>> SuggestAsync(string text, CancellationToken cancellationToken) =>
        await Sender.SuggestAddressesAsync(text, 8, cancellationToken);

    private async Task CommitAddressesAsync()
    {
        foreach (var input in new[] { _to, _cc, _bcc })
        {
            if (input is not null)
            {
                await input.CommitPendingAsync();
            }
        }
    }

    private async Task SendAsync()
    {
        await CommitAddressesAsync();
        _busy = _sending = true;
        _error = null;
        try
        {
            var result = await Sender.SendAsync(Draft);
            if (result.Succeeded)
            {
                Snackbar.Add(MyMailStrings.Sent, Severity.Success);
                await OnDone.InvokeAsync(ComposeOutcome.Sent);
                return;
            }

            Show(result);
        }
        finally
        {
            _busy = _sending = false;
        }
    }

    private async Task SaveDraftAsync()
    {
        await CommitAddressesAsync();
        _busy = true;
        _error = null;
        try
        {
            var result = await Sender.SaveDraftAsync(Draft);
            if (result.Succeeded)
            {
                Draft.DraftUid = result.Value;
                Snackbar.Add(MyMailStrings.DraftSaved, Severity.Success);
                await OnDone.InvokeAsync(ComposeOutcome.SavedDraft);
                return;
            }

            Show(result);
        }
        finally
        {
            _busy = false;
        }
    }

    /// <summary>Field errors at their fields, the rest above the form; nothing in the draft changes.</summary>
    private void Show(MyMailResult result)
    {
        _fieldErrors = result.FieldErrors;
        _showCc |= _fieldErrors.ContainsKey("Cc");
        _showBcc |= _fieldErrors.ContainsKey("Bcc");
        _error = result.FieldErrors.Count > 0 && result.Problem == MyMailProblem.Invalid
            ? result.Message ?? MyMailStrings.FixFields
            : result.Message ?? MyMailStrings.ProblemUnknown;
    }

    private async Task DiscardAsync()
    {
        if (Fingerprint(Draft) != _initial || Draft.DraftUid is not null)
        {
            var answer = await Dialogs.ShowMessageBoxAsync(MyMailStrings.DiscardTitle, MyMailStrings.DiscardConfirm,
                yesText: MyMailStrings.Discard, cancelText: MyMailStrings.KeepEditing,
                options: new DialogOptions { MaxWidth = MaxWidth.ExtraSmall, FullWidth = true });
            if (answer != true)
            {
                return;
            }
        }

        await Sender.DiscardAsync(Draft);
        await OnDone.InvokeAsync(ComposeOutcome.Discarded);
    }

    /// <summary>Streams each file to a temporary file; a file that would take the total over the limit is refused before anything is sent.</summary>
    private async Task UploadAsync(IReadOnlyList<IBrowserFile>? files)
    {
        _attachmentError = null;
        if (files is null || files.Count == 0)
        {
            return;
        }

        _uploading = true;
        try
        {
            var limit = Sender.MaxAttachmentBytes;
            var refused = new List<string>();
            var failures = new List<string>();
            foreach (var file in files)
            {
                var total = Draft.Attachments.Sum(a => a.Size);
                if (total + file.Size > limit)
                {
                    refused.Add(file.Name);
                    continue;
                }

                var type = string.IsNullOrWhiteSpace(file.ContentType) ? "application/octet-stream" : file.ContentType;
                // Streamed straight into the sender's per-user temporary folder, never buffered whole.
                await using var source = file.OpenReadStream(limit);
                var kept = await Sender.AddAttachmentAsync(SafeFileName.Clean(file.Name), type, source);
                if (kept.Value is { } attachment)
                {
                    Draft.Attachments.Add(attachment);
                }
                else
                {
                    failures.Add(kept.Message ?? MyMailStrings.UploadFailed);
                }
            }

            if (refused.Count > 0)
            {
                failures.Insert(0, string.Format(CultureInfo.CurrentCulture, MyMailStrings.AttachmentTooLargeFormat,
                    string.Join(", ", refused), EmailDetailPage.FileSize(limit)));
            }

            _attachmentError = failures.Count > 0 ? string.Join(" ", failures.Distinct()) : null;
        }
        catch (IOException)
        {
            _attachmentError = MyMailStrings.UploadFailed;
        }
        finally
        {
            _uploading = false;
        }
    }

    private void RemoveAttachment(ComposeAttachment attachment)
    {
        Draft.Attachments.Remove(attachment);
        TryDelete(attachment.TempFilePath);
        _attachmentError = null;
    }

    private static string Fingerprint(ComposeDraft draft) => string.Join('\u001f',
        string.Join(',', draft.To), string.Join(',', draft.Cc), string.Join(',', draft.Bcc), draft.Subject, draft.Body, draft.Attachments.Count.ToString(CultureInfo.InvariantCulture));

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A leftover temporary file is harmless; the temp folder is cleaned by the system.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The uploads are needed only until the message is sent, saved or discarded, or the view closes.</summary>
    public void Dispose()
    {
        foreach (var attachment in Draft.Attachments)
        {
            TryDelete(attachment.TempFilePath);
        }
    }
}
