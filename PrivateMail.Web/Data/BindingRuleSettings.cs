namespace PrivateMail.Web.Data;

/// <summary>
/// The one row of Mail tools → Binding rules: domains an account's website never binds mail by. No row means the
/// shipped free-mail list and, as the company's domains, the domains of the users' mailbox addresses.
/// </summary>
public sealed class BindingRuleSettings
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    /// <summary>Free-mail and other public domains (normalised, or <c>name.*</c> patterns).</summary>
    public List<string> FreeMailDomains { get; set; } = [];
    /// <summary>The company's own domains; empty means the domains of the users' mailbox logins their servers accepted.</summary>
    public List<string> OurDomains { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
}
