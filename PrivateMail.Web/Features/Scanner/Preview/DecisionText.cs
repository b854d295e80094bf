using System.Globalization;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Features.Mailboxes;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner.Preview;

/// <summary>A decision's reasons as sentences in the user's language (the domain gives codes and arguments only).</summary>
public static class DecisionText
{
    public static string Describe(DecisionReason reason)
    {
        var a = reason.Args;
        string Arg(int i) => i < a.Count ? a[i] : "";
        string Format(string text, params object[] args) => string.Format(CultureInfo.CurrentCulture, text, args);
        return reason.Code switch
        {
            DecisionReasonCode.Received => OnboardingStrings.ReasonReceived,
            DecisionReasonCode.Sent => Format(OnboardingStrings.ReasonSent, Arg(0)),
            DecisionReasonCode.Internal => Format(OnboardingStrings.ReasonInternal, Arg(0)),
            DecisionReasonCode.NoActions => OnboardingStrings.ReasonNoActions,
            DecisionReasonCode.SenderExcepted => Format(OnboardingStrings.ReasonSenderExcepted, Arg(0), Arg(1)),
            DecisionReasonCode.RecipientExcepted => Format(OnboardingStrings.ReasonRecipientExcepted, Arg(0), Arg(1)),
            DecisionReasonCode.Stores => OnboardingStrings.ReasonStores,
            DecisionReasonCode.NotStored => OnboardingStrings.ReasonNotStored,
            DecisionReasonCode.Matches => Format(OnboardingStrings.ReasonMatches, Arg(0), Kind(Arg(1)), Arg(2), Field(Arg(3))),
            DecisionReasonCode.NothingMatched => OnboardingStrings.ReasonNothingMatched,
            DecisionReasonCode.TicketInSubject => Format(OnboardingStrings.ReasonTicketInSubject, Arg(0)),
            DecisionReasonCode.TicketInThread => Format(OnboardingStrings.ReasonTicketInThread, Arg(0)),
            DecisionReasonCode.TicketAnswered => Format(OnboardingStrings.ReasonTicketAnswered, Arg(0), Arg(1), Arg(2)),
            DecisionReasonCode.TicketReopened => Format(OnboardingStrings.ReasonTicketReopened, Arg(0), Arg(1), Arg(2)),
            DecisionReasonCode.TicketUnchanged => Format(OnboardingStrings.ReasonTicketUnchanged, Arg(0), Arg(1)),
            DecisionReasonCode.TicketChangedBefore => Format(OnboardingStrings.ReasonTicketChangedBefore, Arg(0)),
            DecisionReasonCode.TicketUnchangedAutomatic => Format(OnboardingStrings.ReasonTicketUnchangedAutomatic, Arg(0)),
            DecisionReasonCode.CreatesTicket => Format(OnboardingStrings.ReasonCreatesTicket, Arg(0)),
            DecisionReasonCode.NoTicketAutomatic => OnboardingStrings.ReasonNoTicketAutomatic,
            DecisionReasonCode.NoTicketBulk => OnboardingStrings.ReasonNoTicketBulk,
            DecisionReasonCode.NoTicketNoSender => OnboardingStrings.ReasonNoTicketNoSender,
            DecisionReasonCode.TicketContactAmbiguous => Format(OnboardingStrings.ReasonTicketContactAmbiguous, a.Count, string.Join(", ", a)),
            DecisionReasonCode.NoTicketCap => Format(ScannerSettingsStrings.ReasonNoTicketCap, Arg(0), Arg(1)),
            DecisionReasonCode.Ambiguous => Format(ScannerSettingsStrings.ReasonAmbiguous, Arg(0), Math.Max(0, a.Count - 3), Kind(Arg(1)), string.Join(", ", a.Skip(3)), Policy(Arg(2))),
            _ => reason.ToString(),
        };
    }

    public static string Kind(string kind) => Enum.TryParse<RecordKind>(kind, out var parsed) ? Kind(parsed) : kind;

    public static string Kind(RecordKind kind) => kind switch
    {
        RecordKind.Contact => OnboardingStrings.KindContact,
        RecordKind.Account => OnboardingStrings.KindAccount,
        RecordKind.Lead => OnboardingStrings.KindLead,
        RecordKind.User => OnboardingStrings.KindUser,
        RecordKind.Ticket => OnboardingStrings.KindTicket,
        _ => kind.ToString(),
    };

    private static string Policy(string policy) => Enum.TryParse<AmbiguityPolicy>(policy, out var parsed) ? parsed switch
    {
        AmbiguityPolicy.BindNoneAndFlag => ScannerSettingsStrings.PolicyBindNoneAndFlag,
        AmbiguityPolicy.BindMostRecentlyModified => ScannerSettingsStrings.PolicyBindMostRecentlyModified,
        _ => ScannerSettingsStrings.PolicyBindAll,
    } : policy;

    private static string Field(string key) => SearchFields.Find(key) is { } field ? MailboxLabels.SearchField(field) : key;
}
