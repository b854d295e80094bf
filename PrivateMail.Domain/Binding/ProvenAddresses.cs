using PrivateMail.Domain.Mail;

namespace PrivateMail.Domain.Binding;

/// <summary>
/// Which addresses are a user's for binding (the user as a record) and for telling Sent and Internal mail from
/// Received: only proven ones — the login of their own mailbox once the mail server accepted it (for OAuth, the
/// account the provider signed in), and the address an administrator set for them. The e-mail a user types under
/// My settings proves nothing: anyone could type a customer's address there.
/// </summary>
public static class ProvenAddresses
{
    /// <summary>The user's proven addresses in comparison form.</summary>
    /// <param name="administratorSet">The address an administrator set (Users page, or when creating the user).</param>
    /// <param name="mailboxLogin">The login of the user's mailbox as saved now.</param>
    /// <param name="provenLogin">The login a successful connection last used; it counts only while it is still the mailbox's login.</param>
    public static IReadOnlyList<string> Of(string? administratorSet, string? mailboxLogin, string? provenLogin)
    {
        var result = new List<string>(2);
        if (EmailAddress.Normalise(administratorSet) is { } set)
        {
            result.Add(set);
        }

        if (EmailAddress.Normalise(provenLogin) is { } proven && EmailAddress.Normalise(mailboxLogin) == proven && !result.Contains(proven))
        {
            result.Add(proven);
        }

        return result;
    }
}
