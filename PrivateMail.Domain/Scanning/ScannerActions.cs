namespace PrivateMail.Domain.Scanning;

/// <summary>What the mail scanner does with each message, in this fixed order.</summary>
[Flags]
public enum ScannerActions
{
    None = 0,
    /// <summary>Store the message as an e-mail record.</summary>
    CreateEmail = 1,
    /// <summary>Link the stored e-mail to records found through the search fields. Needs <see cref="CreateEmail"/>.</summary>
    BindEmail = 2,
    /// <summary>Move the ticket named in the subject: Waiting for response → Answered, closed → reopened.</summary>
    OpenTicket = 4,
    /// <summary>Create a ticket for a received message that names no existing ticket.</summary>
    CreateTicket = 8,
}

/// <summary>The rules between scanner actions.</summary>
public static class ScannerActionRules
{
    /// <summary>Every action in the order the scanner runs them.</summary>
    public static IReadOnlyList<ScannerActions> InOrder { get; } =
        [ScannerActions.CreateEmail, ScannerActions.BindEmail, ScannerActions.OpenTicket, ScannerActions.CreateTicket];

    /// <summary>The action another one needs, if any.</summary>
    public static ScannerActions Requires(ScannerActions action) =>
        action == ScannerActions.BindEmail ? ScannerActions.CreateEmail : ScannerActions.None;

    /// <summary>Whether a set of actions respects every dependency.</summary>
    public static bool IsConsistent(ScannerActions actions) =>
        InOrder.All(a => !actions.HasFlag(a) || actions.HasFlag(Requires(a)));

    /// <summary>Switches one action on or off, keeping the set consistent: turning on pulls in what it needs,
    /// turning off drops what depended on it.</summary>
    public static ScannerActions Toggle(ScannerActions actions, ScannerActions action, bool on)
    {
        if (on)
        {
            return actions | action | Requires(action);
        }

        var result = actions & ~action;
        foreach (var dependent in InOrder.Where(a => Requires(a) == action))
        {
            result &= ~dependent;
        }

        return result;
    }
}
