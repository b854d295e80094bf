using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// A minimal OAuth 2.0 authorisation server on a free loopback port, for tests that must not touch the network:
/// <c>/authorize</c> (approves at once, or shows an Approve page for browser journeys), <c>/token</c> (authorization_code
/// with a mandatory S256 PKCE check and single-use codes; refresh_token; client_secret_post), and <c>/introspect</c>
/// (RFC 7662, for Dovecot's oauth2 passdb: active only for a live access token, with the user it was issued to).
/// </summary>
public sealed class OAuthTestProvider : IAsyncDisposable
{
    public const string ClientId = "privatemail-test-client";
    public const string ClientSecret = "privatemail-test-secret";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, IssuedCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _authorizeQueries = new();
    private int _codeExchanges;
    private int _refreshGrants;
    private int _refusedTokenRequests;
    private int _pkceFailures;
    private int _introspections;

    private sealed record IssuedCode(string User, string RedirectUri, string Challenge, string Scope);

    private OAuthTestProvider(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public string AuthorizeEndpoint => BaseUrl + "/authorize";

    public string TokenEndpoint => BaseUrl + "/token";

    public string IntrospectionEndpoint => BaseUrl + "/introspect";

    /// <summary>True: /authorize redirects back at once. False: it shows a page with an Approve button.</summary>
    public bool AutoApprove { get; set; } = true;

    /// <summary>Who signs in when the request carries no login_hint.</summary>
    public string DefaultUser { get; set; } = "alice";

    /// <summary>The account name put in the ID token (when the scope has openid); null: the user name itself.</summary>
    public Func<string, string>? AccountOf { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public int CodeExchanges => _codeExchanges;

    public int RefreshGrants => _refreshGrants;

    /// <summary>Token requests answered with an error (bad code, verifier, client or refresh token).</summary>
    public int RefusedTokenRequests => _refusedTokenRequests;

    public int PkceFailures => _pkceFailures;

    public int Introspections => _introspections;

    /// <summary>The query strings /authorize was called with, oldest first.</summary>
    public IReadOnlyList<string> AuthorizeQueries => [.. _authorizeQueries];

    public static async Task<OAuthTestProvider> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var provider = new OAuthTestProvider(app);
        app.MapGet("/authorize", provider.AuthorizeAsync);
        app.MapPost("/authorize/approve", provider.ApproveAsync);
        app.MapPost("/token", provider.TokenAsync);
        app.MapPost("/introspect", provider.IntrospectAsync);
        await app.StartAsync(cancellationToken);
        provider.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        return provider;
    }

    /// <summary>An access token for the user, as if issued by a sign-in (for IMAP tests that skip the flow).</summary>
    public string IssueAccessToken(string user)
    {
        var token = "at-" + Random();
        _accessTokens[token] = user;
        return token;
    }

    /// <summary>The user's access tokens stop working (as after their expiry); refresh tokens stay valid.</summary>
    public void ExpireAccessTokens(string user)
    {
        foreach (var (token, owner) in _accessTokens)
        {
            if (owner == user)
            {
                _accessTokens.TryRemove(token, out _);
            }
        }
    }

    /// <summary>The user withdrew consent: every refresh token and access token of theirs is dead.</summary>
    public void Revoke(string user)
    {
        ExpireAccessTokens(user);
        foreach (var (token, owner) in _refreshTokens)
        {
            if (owner == user)
            {
                _refreshTokens.TryRemove(token, out _);
            }
        }
    }

    public bool IsActiveAccessToken(string token) => _accessTokens.ContainsKey(token);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task AuthorizeAsync(HttpContext context)
    {
        var q = context.Request.Query;
        _authorizeQueries.Enqueue(context.Request.QueryString.Value ?? "");
        if (q["response_type"] != "code" || q["client_id"] != ClientId || string.IsNullOrEmpty(q["redirect_uri"])
            || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("invalid_request");
            return;
        }

        var user = string.IsNullOrEmpty(q["login_hint"]) ? DefaultUser : q["login_hint"].ToString();
        if (AutoApprove)
        {
            context.Response.Redirect(Approve(user, q["redirect_uri"]!, q["code_challenge"]!, q["scope"].ToString(), q["state"].ToString()));
            return;
        }

        var hidden = string.Concat(new[] { "redirect_uri", "code_challenge", "scope", "state" }
            .Select(k => $"<input type=\"hidden\" name=\"{k}\" value=\"{WebUtility.HtmlEncode(q[k].ToString())}\" />"));
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync($"""
            <!DOCTYPE html><html><head><title>Test provider</title><link rel="icon" href="data:," /></head><body>
            <h1 id="provider-title">Test provider: allow PrivateMail to read your mail?</h1>
            <form method="post" action="/authorize/approve">{hidden}
            <label>Account <input id="provider-user" name="user" value="{WebUtility.HtmlEncode(user)}" /></label>
            <button id="provider-approve" type="submit">Approve</button>
            </form></body></html>
            """);
    }

    private async Task ApproveAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        context.Response.Redirect(Approve(form["user"].ToString(), form["redirect_uri"].ToString(), form["code_challenge"].ToString(), form["scope"].ToString(), form["state"].ToString()));
    }

    private string Approve(string user, string redirectUri, string challenge, string scope, string state)
    {
        var code = "code-" + Random();
        _codes[code] = new IssuedCode(user, redirectUri, challenge, scope);
        var separator = redirectUri.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return $"{redirectUri}{separator}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}";
    }

    private async Task TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync();
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
        {
            await RefuseAsync(context, "invalid_client", 401);
            return;
        }

        switch (form["grant_type"].ToString())
        {
            case "authorization_code":
                // Single use: the code is gone whether this exchange succeeds or not (RFC 6749 §4.1.2).
                if (!_codes.TryRemove(form["code"].ToString(), out var issued) || issued.RedirectUri != form["redirect_uri"])
                {
                    await RefuseAsync(context, "invalid_grant", 400);
                    return;
                }

                var verifier = form["code_verifier"].ToString();
                var challenge = verifier.Length is < 43 or > 128
                    ? null
                    : System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
                if (challenge != issued.Challenge)
                {
                    Interlocked.Increment(ref _pkceFailures);
                    await RefuseAsync(context, "invalid_grant", 400);
                    return;
                }

                Interlocked.Increment(ref _codeExchanges);
                var refresh = "rt-" + Random();
                _refreshTokens[refresh] = issued.User;
                await WriteTokensAsync(context, issued.User, refresh, issued.Scope.Split(' ').Contains("openid"));
                return;
            case "refresh_token":
                if (!_refreshTokens.TryGetValue(form["refresh_token"].ToString(), out var owner))
                {
                    await RefuseAsync(context, "invalid_grant", 400);
                    return;
                }

                Interlocked.Increment(ref _refreshGrants);
                await WriteTokensAsync(context, owner, refreshToken: null, idToken: false);
                return;
            default:
                await RefuseAsync(context, "unsupported_grant_type", 400);
                return;
        }
    }

    private async Task WriteTokensAsync(HttpContext context, string user, string? refreshToken, bool idToken)
    {
        var response = new Dictionary<string, object>
        {
            ["access_token"] = IssueAccessToken(user),
            ["token_type"] = "Bearer",
            ["expires_in"] = (long)AccessTokenLifetime.TotalSeconds,
        };
        if (refreshToken is not null)
        {
            response["refresh_token"] = refreshToken;
        }

        if (idToken)
        {
            // Unsigned: the app reads the account name from a token it got straight from this endpoint.
            static string Part(object value) => System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
            response["id_token"] = $"{Part(new { alg = "none" })}.{Part(new { sub = user, email = AccountOf?.Invoke(user) ?? user })}.";
        }

        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(response);
    }

    private async Task RefuseAsync(HttpContext context, string error, int status)
    {
        Interlocked.Increment(ref _refusedTokenRequests);
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new { error });
    }

    private async Task IntrospectAsync(HttpContext context)
    {
        Interlocked.Increment(ref _introspections);
        var token = context.Request.HasFormContentType ? (await context.Request.ReadFormAsync())["token"].ToString() : "";
        if (string.IsNullOrEmpty(token) && context.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            token = header["Bearer ".Length..];
        }

        await context.Response.WriteAsJsonAsync(_accessTokens.TryGetValue(token, out var user)
            ? new Dictionary<string, object> { ["active"] = true, ["username"] = user }
            : new Dictionary<string, object> { ["active"] = false });
    }

    private static string Random() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
}
