namespace PrivateMail.Domain.Mail;

/// <summary>
/// An e-mail address with an optional display name, and the normalised form used to look records up:
/// case-insensitive, IDN domains in ASCII, display names and angle brackets stripped.
/// </summary>
/// <param name="Address">The address as written (without the display name).</param>
/// <param name="Normalised">The lookup form, e.g. <c>jan@xn--bcher-kva.example</c>.</param>
public sealed record EmailAddress(string? DisplayName, string Address, string Normalised)
{
    /// <summary>
    /// Parses <c>jan@example.com</c>, <c>&lt;jan@example.com&gt;</c>, <c>Jan Kowalski &lt;jan@example.com&gt;</c>,
    /// <c>"Kowalski, Jan" &lt;jan@example.com&gt;</c> and <c>"jan kowalski"@example.com</c>. Null when it is not an address.
    /// </summary>
    public static EmailAddress? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var value = text.Trim();
        string? displayName = null;
        var open = LastAngleOpenOutsideQuotes(value);
        if (open >= 0 && value.EndsWith('>'))
        {
            displayName = Unquote(value[..open].Trim());
            value = value[(open + 1)..^1].Trim();
        }

        var normalised = AddressRules.NormaliseAddress(value);
        return normalised is null ? null : new EmailAddress(string.IsNullOrWhiteSpace(displayName) ? null : displayName, value, normalised);
    }

    /// <summary>The lookup form of an address, or null when it is not one.</summary>
    public static string? Normalise(string? text) => Parse(text)?.Normalised;

    /// <summary>The domain of the normalised address, e.g. <c>example.com</c>.</summary>
    public string Domain => Normalised[(Normalised.LastIndexOf('@') + 1)..];

    public override string ToString() => DisplayName is null ? Address : $"{DisplayName} <{Address}>";

    private static int LastAngleOpenOutsideQuotes(string value)
    {
        var inQuotes = false;
        var position = -1;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\\' && inQuotes)
            {
                i++;
            }
            else if (c == '"')
            {
                inQuotes = !inQuotes;
            }
            else if (c == '<' && !inQuotes)
            {
                position = i;
            }
        }

        return position;
    }

    private static string Unquote(string name) =>
        name.Length >= 2 && name[0] == '"' && name[^1] == '"' ? name[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal) : name;
}
