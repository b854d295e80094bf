using PrivateMail.Domain.Mail;

namespace PrivateMail.Web.Features.MailServers;

/// <summary>
/// What is fixed for the well-known OAuth 2.0 providers. Only a generic provider stores its own endpoints and scopes,
/// so a change here reaches every Google or Microsoft server without touching stored rows.
/// </summary>
public static class OAuthProviderDefaults
{
    /// <summary>The scopes IMAP access needs, or null for a generic provider (the administrator types them).</summary>
    public static string? Scopes(OAuthProvider? provider) => provider switch
    {
        OAuthProvider.Google => "https://mail.google.com/",
        // openid + email: the ID token names the account, so "Signed in as …" works without a typed login.
        OAuthProvider.Microsoft => "https://outlook.office.com/IMAP.AccessAsUser.All offline_access openid email",
        _ => null,
    };

    /// <summary>The provider's authorisation endpoint, or null for a generic provider (stored with the server).</summary>
    public static string? AuthorizeEndpoint(OAuthProvider? provider) => provider switch
    {
        OAuthProvider.Google => "https://accounts.google.com/o/oauth2/v2/auth",
        // "common" accepts both work/school and personal accounts.
        OAuthProvider.Microsoft => "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
        _ => null,
    };

    /// <summary>The provider's token endpoint, or null for a generic provider (stored with the server).</summary>
    public static string? TokenEndpoint(OAuthProvider? provider) => provider switch
    {
        OAuthProvider.Google => "https://oauth2.googleapis.com/token",
        OAuthProvider.Microsoft => "https://login.microsoftonline.com/common/oauth2/v2.0/token",
        _ => null,
    };

    /// <summary>
    /// An absolute https address, or http for a loopback host (a provider running beside the app during development).
    /// </summary>
    public static bool IsAcceptableEndpoint(string? value) =>
        !string.IsNullOrWhiteSpace(value)
        && Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)
        && !string.IsNullOrEmpty(uri.Host)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback);

    /// <summary>Scopes separated by single spaces (OAuth's separator); commas and line breaks typed by hand count as spaces.</summary>
    public static string NormaliseScopes(string? scopes) =>
        string.Join(' ', (scopes ?? "").Split([' ', ',', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal));
}
