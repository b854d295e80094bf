using System.Globalization;

namespace PrivateMail.Web.Features.Records.Shared;

/// <summary>Domains are stored in their ASCII (punycode) form for matching and shown as people write them.</summary>
public static class DomainLabel
{
    private static readonly IdnMapping Idn = new();

    /// <summary><c>xn--bcher-kva.example</c> → <c>bücher.example</c>; anything unreadable is returned as it is.</summary>
    public static string? Unicode(string? domain)
    {
        if (string.IsNullOrEmpty(domain))
        {
            return domain;
        }

        try
        {
            return Idn.GetUnicode(domain);
        }
        catch (ArgumentException)
        {
            return domain;
        }
    }
}
