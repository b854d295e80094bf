namespace PrivateMail.Web.Features.OAuth;

/// <summary>The app's OAuth 2.0 redirect URI: what the administrator registers with the provider.</summary>
public static class OAuthRedirect
{
    /// <summary>The callback endpoint, relative to the app's base address.</summary>
    public const string CallbackPath = "/oauth/callback";

    /// <summary>Where the Mailbox tab lives: the default (and usual) return address after a sign-in.</summary>
    public const string MailboxTabPath = "/my-settings/mailbox";

    /// <summary>
    /// The redirect URI built from the configured public base URL, or else from the address the request came in on.
    /// A proxy that rewrites the host makes the second one wrong, which is why the option exists.
    /// </summary>
    public static string Build(string? publicBaseUrl, string requestBaseUri)
    {
        var root = string.IsNullOrWhiteSpace(publicBaseUrl) ? requestBaseUri : publicBaseUrl.Trim();
        return root.TrimEnd('/') + CallbackPath;
    }

    /// <summary>
    /// False for a plain-http redirect URI: providers refuse it outside localhost, and the code would travel in clear.
    /// </summary>
    public static bool IsSecure(string redirectUri) =>
        Uri.TryCreate(redirectUri, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps;

    /// <summary>
    /// The return address if it stays inside the app ("/…" but not "//host" or "/\host"), else the Mailbox tab:
    /// a crafted sign-in link cannot send the user to another site.
    /// </summary>
    public static string LocalOrMailboxTab(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Contains("://", StringComparison.Ordinal) && !url.Any(char.IsControl)
            ? url
            : MailboxTabPath;
}
