using System.Globalization;
using Microsoft.AspNetCore.Components;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner.Preview;

public sealed partial class PreviewTable
{
    [Inject]
    public required MySettings.UserTimeProvider Clock { get; init; }

    /// <summary>The preview to show.</summary>
    [Parameter, EditorRequired]
    public required PreviewResult Result { get; set; }

    /// <summary>Opens a row's message in the rule tester; without it the rows offer no "Test rules".</summary>
    [Parameter]
    public EventCallback<PreviewRow> OnTest { get; set; }

    /// <summary>One line per message: "would store · would bind to Jan Kowalski · would create a ticket (T12)".</summary>
    public static string Describe(PreviewRow row)
    {
        var text = Summary(row);
        return text.Length == 0 ? text : char.ToUpper(text[0], CultureInfo.CurrentCulture) + text[1..];
    }

    private static string Summary(PreviewRow row)
    {
        string Format(string text, object arg) => string.Format(CultureInfo.CurrentCulture, text, arg);
        switch (row.Outcome)
        {
            case ScanOutcomeKind.Quarantined:
                return Format(OnboardingStrings.WouldFail, ScanNotes.Display(row.Problem));
            case ScanOutcomeKind.Skipped:
                var why = row.Decision?.Reasons.LastOrDefault() is { Code: DecisionReasonCode.SenderExcepted or DecisionReasonCode.RecipientExcepted } excepted
                    ? Format(OnboardingStrings.SkipException, excepted.Args[1])
                    : OnboardingStrings.SkipNoActions;
                return Format(OnboardingStrings.WouldSkip, why);
        }

        var parts = new List<string>
        {
            row.Outcome switch
            {
                ScanOutcomeKind.Stored => OnboardingStrings.WouldStore,
                ScanOutcomeKind.Duplicate => OnboardingStrings.AlreadyStored,
                _ => OnboardingStrings.WouldNotStore,
            },
        };
        if (row.Bound)
        {
            parts.Add(Format(OnboardingStrings.WouldBindTo, string.Join(", ", row.BoundTo)));
        }

        if (row.TicketOpened is { } opened)
        {
            parts.Add(Format(row.TicketReopened ? OnboardingStrings.WouldReopen : OnboardingStrings.WouldAnswer, opened));
        }

        if (row.TicketCreated is { } created)
        {
            parts.Add(Format(OnboardingStrings.WouldCreateTicket, created));
        }

        return string.Join(" · ", parts);
    }
}
