using System.Globalization;
using System.Net;
using System.Text.Json;

namespace PrivateMail.Web.Features.OAuth;

/// <summary>What a token endpoint granted. <see cref="ToString"/> never prints a token.</summary>
public sealed record OAuthTokens(string AccessToken, string? RefreshToken, TimeSpan ExpiresIn, string? IdToken)
{
    public override string ToString() => $"OAuthTokens {{ ExpiresIn = {ExpiresIn} }}";
}

/// <summary>A token request's outcome: tokens, or the provider's error code and whether trying later could help.</summary>
public sealed record OAuthTokenResult(OAuthTokens? Tokens, string? Error, bool Transient)
{
    public bool Succeeded => Tokens is not null;
}

/// <summary>
/// Talks to a provider's token endpoint (RFC 6749 §4.1.3 and §6) with the client credentials in the form body
/// (client_secret_post, which Google, Microsoft and most others accept). Tokens and secrets are never logged.
/// </summary>
public sealed class OAuthTokenClient(IHttpClientFactory httpClients, ILogger<OAuthTokenClient> logger)
{
    public const string HttpClientName = "PrivateMail.OAuth";

    /// <summary>When a provider leaves expires_in out: an hour is what Google and Microsoft issue.</summary>
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    public Task<OAuthTokenResult> ExchangeCodeAsync(
        string tokenEndpoint, string clientId, string? clientSecret, string code, string redirectUri, string codeVerifier, CancellationToken cancellationToken) =>
        RequestAsync(tokenEndpoint, clientId, clientSecret, new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri,
            ["code_verifier"] = codeVerifier,
        }, cancellationToken);

    public Task<OAuthTokenResult> RefreshAsync(string tokenEndpoint, string clientId, string? clientSecret, string refreshToken, CancellationToken cancellationToken) =>
        RequestAsync(tokenEndpoint, clientId, clientSecret, new()
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = refreshToken,
        }, cancellationToken);

    private async Task<OAuthTokenResult> RequestAsync(
        string tokenEndpoint, string clientId, string? clientSecret, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        form["client_id"] = clientId;
        if (!string.IsNullOrEmpty(clientSecret))
        {
            form["client_secret"] = clientSecret;
        }

        var grant = form["grant_type"];
        try
        {
            var client = httpClients.CreateClient(HttpClientName);
            using var content = new FormUrlEncodedContent(form);
            using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint) { Content = content };
            request.Headers.Accept.ParseAdd("application/json");
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            using var json = TryParse(body);
            var root = json?.RootElement;
            if (response.IsSuccessStatusCode && root is { ValueKind: JsonValueKind.Object } ok
                && ok.TryGetProperty("access_token", out var access) && access.ValueKind == JsonValueKind.String
                && !string.IsNullOrEmpty(access.GetString()))
            {
                return new OAuthTokenResult(new OAuthTokens(
                    access.GetString()!, StringOf(ok, "refresh_token"), LifetimeOf(ok), StringOf(ok, "id_token")), null, false);
            }

            var error = root is { ValueKind: JsonValueKind.Object } failed ? StringOf(failed, "error") : null;
            // A 4xx with an error code is the provider's answer (e.g. invalid_grant); anything else may pass.
            var transient = error is null || (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
            logger.LogWarning("OAuth token request ({Grant}) to {Endpoint} refused: HTTP {Status} {Error}",
                grant, tokenEndpoint, (int)response.StatusCode, error ?? "(no error code)");
            return new OAuthTokenResult(null, error ?? $"HTTP {(int)response.StatusCode}", transient);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("OAuth token request ({Grant}) to {Endpoint} failed: {Message}", grant, tokenEndpoint, ex.Message);
            return new OAuthTokenResult(null, ex is TaskCanceledException ? "timeout" : ex.Message, true);
        }
    }

    private static JsonDocument? TryParse(string body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text : null;

    private static TimeSpan LifetimeOf(JsonElement root)
    {
        // Some providers send expires_in as a string.
        if (root.TryGetProperty("expires_in", out var value)
            && (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
                || value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out seconds))
            && seconds > 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DefaultLifetime;
    }

    /// <summary>
    /// The account an ID token names (email, else preferred_username or upn). The signature is not checked: the token
    /// came straight from the token endpoint over the back channel, which OpenID Connect Core §3.1.3.7 accepts, and
    /// it only labels the sign-in — IMAP access is decided by the mail server from the access token.
    /// </summary>
    public static string? AccountFromIdToken(string? idToken)
    {
        var parts = idToken?.Split('.');
        if (parts is not { Length: >= 2 })
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
            return json.RootElement.ValueKind != JsonValueKind.Object
                ? null
                : StringOf(json.RootElement, "email") ?? StringOf(json.RootElement, "preferred_username") ?? StringOf(json.RootElement, "upn");
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }
}
