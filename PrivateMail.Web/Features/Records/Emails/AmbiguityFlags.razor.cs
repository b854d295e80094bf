using System.Globalization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Emails;

/// <summary>
/// The "Ambiguous: 2 contacts" flags of an e-mail, or of the e-mails of a ticket: the candidates as links, each with a
/// Choose button that binds the e-mail (and its ticket) to that record only.
/// </summary>
public sealed partial class AmbiguityFlags
{
    private IReadOnlyList<AmbiguityFlag> _flags = [];
    private bool _busy;

    /// <summary>The e-mail whose flags to show; or leave null and set <see cref="TicketId"/>.</summary>
    [Parameter]
    public int? EmailId { get; set; }

    /// <summary>The ticket whose e-mails' flags to show.</summary>
    [Parameter]
    public int? TicketId { get; set; }

    /// <summary>Called after a flag was resolved, so the page can show the new links.</summary>
    [Parameter]
    public EventCallback Resolved { get; set; }

    [Inject]
    public required EmailAmbiguityService Ambiguities { get; init; }

    [Inject]
    public required ISnackbar Snackbar { get; init; }

    protected override async Task OnParametersSetAsync() => await LoadAsync();

    private async Task LoadAsync() =>
        _flags = EmailId is { } email ? await Ambiguities.ForEmailAsync(email)
            : TicketId is { } ticket ? await Ambiguities.ForTicketAsync(ticket)
            : [];

    private async Task ResolveAsync(AmbiguityFlag flag, AmbiguityCandidate candidate)
    {
        _busy = true;
        try
        {
            if (await Ambiguities.ResolveAsync(flag.EmailId, candidate.Kind, candidate.RecordId) is { } error)
            {
                Snackbar.Add(string.Format(CultureInfo.CurrentCulture, ScannerSettingsStrings.ResolveFailed, error), Severity.Error);
            }
            else
            {
                Snackbar.Add(string.Format(CultureInfo.CurrentCulture, ScannerSettingsStrings.Resolved, candidate.Name), Severity.Success);
            }

            await LoadAsync();
            await Resolved.InvokeAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    internal static string Title(AmbiguityFlag flag) => string.Format(CultureInfo.CurrentCulture, flag.Kind switch
    {
        RecordKind.Account => ScannerSettingsStrings.AmbiguousAccounts,
        RecordKind.Lead => ScannerSettingsStrings.AmbiguousLeads,
        _ => ScannerSettingsStrings.AmbiguousContacts,
    }, flag.Candidates.Count);

    private static string Slug(string value) => new(value.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray());
}
