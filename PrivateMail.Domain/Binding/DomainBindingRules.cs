using PrivateMail.Domain.Mail;

namespace PrivateMail.Domain.Binding;

/// <summary>
/// Domains an account's website never binds mail by: public free-mail domains (everyone's private mail shares them)
/// and the company's own domains (every internal mail has them). An entry is a domain in comparison form, or
/// <c>name.*</c> for a provider under every top-level domain (<c>gmx.*</c>: gmx.de, gmx.net, gmx.co.uk); each entry
/// covers its subdomains too.
/// </summary>
public sealed class DomainBindingRules
{
    /// <summary>Binding by domain with no exclusions (tests, tools).</summary>
    public static readonly DomainBindingRules None = new([], []);

    /// <summary>The free-mail list shipped with the app; administrators may edit it (Mail tools → Binding rules).</summary>
    public static IReadOnlyList<string> DefaultFreeMailDomains { get; } =
    [
        "gmail.com", "googlemail.com", "outlook.com", "outlook.*", "hotmail.*", "live.*", "msn.com", "windowslive.com",
        "yahoo.*", "ymail.com", "rocketmail.com", "aol.com", "aim.com", "icloud.com", "me.com", "mac.com",
        "proton.me", "protonmail.com", "protonmail.ch", "pm.me", "tutanota.com", "tutanota.de", "tuta.io", "tutamail.com",
        "gmx.*", "web.de", "t-online.de", "freenet.de", "mail.com", "email.com", "zoho.com", "zohomail.eu", "yandex.*",
        "mail.ru", "inbox.ru", "list.ru", "bk.ru", "fastmail.com", "fastmail.fm", "hey.com", "mailbox.org", "posteo.de",
        "laposte.net", "orange.fr", "free.fr", "wanadoo.fr", "libero.it", "virgilio.it", "seznam.cz", "centrum.cz",
        "wp.pl", "o2.pl", "tlen.pl", "onet.pl", "onet.eu", "op.pl", "poczta.onet.pl", "vp.pl", "interia.pl", "interia.eu",
        "poczta.fm", "go2.pl", "gazeta.pl", "buziaczek.pl", "autograf.pl", "int.pl", "spoko.pl", "vip.interia.pl",
    ];

    // Looked up by span: Excludes runs for every participant's domain of every scanned batch, without allocating.
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _anyTld;

    /// <summary>Rules from the administrator's free-mail list and the company's domains (entries already normalised or patterns).</summary>
    public DomainBindingRules(IEnumerable<string> freeMailDomains, IEnumerable<string> ourDomains)
    {
        var entries = freeMailDomains.Concat(ourDomains).Select(NormaliseEntry).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        _exact = entries.Where(e => !e.EndsWith(".*", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
        _anyTld = entries.Where(e => e.EndsWith(".*", StringComparison.Ordinal)).Select(e => e[..^2]).ToHashSet(StringComparer.Ordinal)
            .GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Whether mail with a participant at <paramref name="domain"/> (comparison form) must not bind to an account by domain.</summary>
    public bool Excludes(string domain)
    {
        // An entry covers itself and its subdomains: the domain and every parent of it ("a.b.c", "b.c", "c").
        var rest = domain.AsSpan();
        while (true)
        {
            if (_exact.Contains(rest))
            {
                return true;
            }

            var dot = rest.IndexOf('.');
            if (dot < 0)
            {
                break;
            }

            rest = rest[(dot + 1)..];
        }

        // name.* — the provider's label followed by any public suffix of one label (gmx.de) or of two with a short
        // second-level one (gmx.co.uk), or a subdomain of one: only the second- and third-last labels can be the name.
        var name = domain.AsSpan();
        var last = name.LastIndexOf('.');
        if (last < 0 || _anyTld.Set.Count == 0)
        {
            return false;
        }

        var before = name[..last];
        var previous = before.LastIndexOf('.');
        var secondLast = before[(previous + 1)..];
        if (_anyTld.Contains(secondLast))
        {
            return true;
        }

        return previous >= 0 && secondLast.Length <= 3 && _anyTld.Contains(before[(before[..previous].LastIndexOf('.') + 1)..previous]);
    }

    /// <summary>
    /// An entry as an administrator types it (<c>Gmail.com</c>, <c>@wp.pl</c>, <c>gmx.*</c>, <c>księgarnia.pl</c>) in
    /// comparison form, or null when it is neither a domain nor a <c>name.*</c> pattern.
    /// </summary>
    public static string? NormaliseEntry(string? entry)
    {
        if (string.IsNullOrWhiteSpace(entry))
        {
            return null;
        }

        var value = entry.Trim();
        if (value.EndsWith(".*", StringComparison.Ordinal))
        {
            var name = AddressRules.NormaliseDomain(value[..^2] + ".example");
            return name is null || name.Count(c => c == '.') != 1 ? null : name[..^".example".Length] + ".*";
        }

        return AddressRules.NormaliseDomain(value);
    }

    /// <summary>The company's domains when the administrator has not listed them: the domains of the users' mailbox addresses.</summary>
    public static IReadOnlyList<string> DomainsOf(IEnumerable<string?> addresses) =>
        addresses.Select(EmailAddress.Parse).OfType<EmailAddress>().Select(a => a.Domain).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
