using System.Globalization;

namespace PrivateMail.Domain.Mail;

/// <summary>
/// Validation and normalisation of e-mail addresses and domains as users type them (exception lists, settings).
/// Comparison form: trimmed, lower case, domain in its ASCII (IDN/punycode) form.
/// </summary>
public static class AddressRules
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>The domain in comparison form, or null when it is not a valid host name.</summary>
    public static string? NormaliseDomain(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain))
        {
            return null;
        }

        var value = domain.Trim().TrimEnd('.');
        if (value.StartsWith("*@", StringComparison.Ordinal))
        {
            value = value[2..];
        }
        else if (value.StartsWith('@'))
        {
            value = value[1..];
        }

        if (value.Length is 0 or > 253 || value.Any(char.IsWhiteSpace))
        {
            return null;
        }

        string ascii;
        try
        {
            ascii = Idn.GetAscii(value).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }

        var labels = ascii.Split('.');
        if (labels.Length < 2 || labels.Any(l => l.Length is 0 or > 63 || l.StartsWith('-') || l.EndsWith('-')))
        {
            return null;
        }

        // The top-level label is never all digits (that would be an IP address, not a domain).
        return labels[^1].All(char.IsAsciiDigit) ? null : ascii;
    }

    /// <summary>The address in comparison form, or null when it is not a valid address.</summary>
    public static string? NormaliseAddress(string? address)
    {
        if (string.IsNullOrWhiteSpace(address))
        {
            return null;
        }

        var value = address.Trim();
        var at = value.LastIndexOf('@');
        if (at <= 0 || at == value.Length - 1)
        {
            return null;
        }

        var local = value[..at];
        var domain = NormaliseDomain(value[(at + 1)..]);
        if (domain is null || local.Length > 64 || !IsValidLocalPart(local))
        {
            return null;
        }

        return $"{local.ToLowerInvariant()}@{domain}";
    }

    private static bool IsValidLocalPart(string local)
    {
        if (local.Length >= 2 && local[0] == '"' && local[^1] == '"')
        {
            return local[1..^1].All(c => c >= ' ' && c != '"' && c != '\\' || c == '\t');
        }

        const string allowed = "!#$%&'*+-/=?^_`{|}~.";
        return !local.StartsWith('.') && !local.EndsWith('.') && !local.Contains("..", StringComparison.Ordinal)
            && local.All(c => char.IsLetterOrDigit(c) || allowed.Contains(c) || c > 127);
    }
}
