namespace PrivateMail.Domain.Users;

/// <summary>Which client opens when the user clicks an e-mail address.</summary>
public enum MailClient
{
    /// <summary>The CRM's own mail module, "My mail".</summary>
    Internal = 0,
    /// <summary>The operating system's mail program through a <c>mailto:</c> link.</summary>
    External = 1,
}

/// <summary>How a mail is opened from a list.</summary>
public enum MailOpenMode
{
    Dialog = 0,
    Page = 1,
}

/// <summary>The languages the user interface is translated into.</summary>
public static class UiLanguages
{
    public const string English = "en";
    public const string Polish = "pl";

    /// <summary>Supported language codes, default first.</summary>
    public static IReadOnlyList<string> All { get; } = [English, Polish];

    /// <summary>The supported code for <paramref name="code"/>, or null when it is not supported.</summary>
    public static string? Normalise(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        var primary = code.Trim().Split('-', '_')[0].ToLowerInvariant();
        return All.Contains(primary) ? primary : null;
    }
}

/// <summary>Date formats a user can choose; the values are .NET format strings.</summary>
public static class DateFormats
{
    public static IReadOnlyList<string> All { get; } = ["yyyy-MM-dd", "dd.MM.yyyy", "dd/MM/yyyy", "MM/dd/yyyy", "dd-MM-yyyy"];

    public const string Default = "yyyy-MM-dd";

    public static bool IsSupported(string? format) => format is not null && All.Contains(format);
}
