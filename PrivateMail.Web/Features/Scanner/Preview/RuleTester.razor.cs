using System.Globalization;
using Microsoft.AspNetCore.Components;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner.Preview;

public sealed partial class RuleTester
{
    private string _raw = "";
    private string? _error;
    private bool _loading;
    private RuleTestMessage? _message;
    private ScanDecision? _decision;

    [Inject]
    public required RuleTesterService Tester { get; init; }

    /// <summary>The mailbox form as it is now: every change of it decides the message under test again.</summary>
    [Parameter, EditorRequired]
    public required MailboxModel Model { get; set; }

    private string MessageLine => string.Format(CultureInfo.CurrentCulture, RuleToolsStrings.TesterMessage,
        _message!.Snapshot.Subject, _message.Snapshot.From?.Normalised ?? RuleToolsStrings.TesterNoSender);

    /// <summary>Tests a message the preview read (its "Test rules" action).</summary>
    public async Task TestAsync(MessageSnapshot snapshot)
    {
        _error = null;
        await LoadAsync(snapshot);
    }

    // The form re-renders this component on each of its changes: deciding again is in memory, so it simply follows.
    protected override void OnParametersSet() => Decide();

    private async Task TestPastedAsync()
    {
        _error = null;
        if (_raw.Length > RawMessageParser.MaxChars)
        {
            _error = string.Format(CultureInfo.CurrentCulture, RuleToolsStrings.TesterTooLong, RawMessageParser.MaxChars);
            return;
        }

        // The pasted text stays in the box whatever happens, so a mistake can be corrected rather than pasted again.
        if (RuleTesterService.Parse(_raw) is not { } snapshot)
        {
            _error = RuleToolsStrings.TesterMalformed;
            _message = null;
            _decision = null;
            return;
        }

        await LoadAsync(snapshot);
    }

    private async Task LoadAsync(MessageSnapshot snapshot)
    {
        _loading = true;
        try
        {
            _message = await Tester.LoadAsync(snapshot);
            Decide();
        }
        finally
        {
            _loading = false;
        }
    }

    private void Decide() => _decision = _message is null ? null : RuleTesterService.Decide(_message, Model);

    private void Clear()
    {
        _raw = "";
        _error = null;
        _message = null;
        _decision = null;
    }

    /// <summary>One line for a decision: "Would store · would bind to Jan Kowalski · would create a ticket".</summary>
    public static string Describe(ScanDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        string Format(string text, object arg) => string.Format(CultureInfo.CurrentCulture, text, arg);
        string text;
        if (decision.Skipped is not null)
        {
            var why = decision.Reasons.LastOrDefault() is { Code: DecisionReasonCode.SenderExcepted or DecisionReasonCode.RecipientExcepted } excepted
                ? Format(OnboardingStrings.SkipException, excepted.Args[1])
                : OnboardingStrings.SkipNoActions;
            text = Format(OnboardingStrings.WouldSkip, why);
        }
        else
        {
            var parts = new List<string> { decision.Store ? OnboardingStrings.WouldStore : OnboardingStrings.WouldNotStore };
            var bound = decision.Bindings.Select(b => b.DisplayName).ToList();
            if (decision.Store && decision.Ticket is { } linked)
            {
                bound.Add(linked.Number.ToString());
            }

            if (bound.Count > 0)
            {
                parts.Add(Format(OnboardingStrings.WouldBindTo, string.Join(", ", bound)));
            }

            if (decision.TicketChange is not null && decision.Ticket is { } ticket)
            {
                var reopened = decision.Reasons.Any(r => r.Code == DecisionReasonCode.TicketReopened);
                parts.Add(Format(reopened ? OnboardingStrings.WouldReopen : OnboardingStrings.WouldAnswer, ticket.Number.ToString()));
            }

            if (decision.NewTicket is not null)
            {
                parts.Add(RuleToolsStrings.WouldCreateNewTicket);
            }

            text = string.Join(" · ", parts);
        }

        return text.Length == 0 ? text : char.ToUpper(text[0], CultureInfo.CurrentCulture) + text[1..];
    }
}
