using PrivateMail.Domain.Mail;

namespace PrivateMail.Domain.Records;

/// <summary>The mail domain of an account's website, so mail from <c>anyone@firma.pl</c> binds to the account with www.firma.pl.</summary>
public static class WebsiteDomain
{
    /// <summary>
    /// The host of a website as typed by users (<c>https://www.Firma.pl/kontakt</c>, <c>firma.pl</c>, <c>www.bücher.example</c>)
    /// in the comparison form of <see cref="AddressRules.NormaliseDomain"/>, without a leading <c>www.</c>; null when there is no host.
    /// </summary>
    public static string? FromWebsite(string? website)
    {
        if (string.IsNullOrWhiteSpace(website))
        {
            return null;
        }

        var value = website.Trim();
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            value = value[(scheme + 3)..];
        }

        var end = value.IndexOfAny(['/', '?', '#']);
        if (end >= 0)
        {
            value = value[..end];
        }

        var at = value.LastIndexOf('@');
        if (at >= 0)
        {
            value = value[(at + 1)..];
        }

        var port = value.LastIndexOf(':');
        if (port >= 0)
        {
            value = value[..port];
        }

        var domain = AddressRules.NormaliseDomain(value);
        if (domain is not null && domain.StartsWith("www.", StringComparison.Ordinal) && domain.Count(c => c == '.') >= 2)
        {
            domain = domain[4..];
        }

        return domain;
    }
}
