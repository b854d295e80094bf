using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.MailServers;
using PrivateMail.Web.Features.Secrets;
using PrivateMail.Web.Hosting;

namespace PrivateMail.Web.Features.OAuth;

/// <summary>How a sign-in ended; the Mailbox tab shows each in the user's language (query value <c>oauth=…</c>).</summary>
public enum OAuthSignInOutcome
{
    SignedIn,
    /// <summary>Unknown, expired, already used, or another user's state value.</summary>
    State,
    /// <summary>The provider reported an error (e.g. the user declined) or sent no code.</summary>
    Denied,
    /// <summary>The token endpoint refused the code (wrong verifier, replayed or expired code).</summary>
    ExchangeFailed,
    ProviderUnavailable,
    NoAccount,
    /// <summary>The mailbox is missing or its server does not (or no longer) use OAuth 2.0.</summary>
    NotOAuth,
    /// <summary>The module My mail is switched off: nothing is exchanged or stored.</summary>
    ModuleDisabled,
}

/// <summary>Where to send the browser: the provider's authorisation page, or null with the reason.</summary>
public sealed record OAuthStart(string? AuthorizeUrl, OAuthSignInOutcome? Failure);

/// <summary>Where the callback sends the browser back to, and what happened.</summary>
public sealed record OAuthCompletion(OAuthSignInOutcome Outcome, string RedirectTo);

/// <summary>
/// The authorization-code flow with PKCE (S256) for the owner of a private mailbox. <see cref="BeginAsync"/> remembers
/// the verifier on the server under a single-use state value bound to the user; <see cref="CompleteAsync"/> (the
/// callback) accepts only that user's state, exchanges the code and stores the tokens encrypted on the mailbox.
/// Both take the id of the authenticated caller — from the circuit or the request's cookie, never from a parameter.
/// </summary>
public sealed class OAuthSignIn(
    IDbContextFactory<AppDbContext> dbFactory,
    OAuthPendingSignIns pending,
    OAuthTokenClient tokenClient,
    SecretProtector secrets,
    IOptions<PrivateMailOptions> options,
    TimeProvider time,
    Modules.ModuleService modules,
    ILogger<OAuthSignIn> logger)
{
    /// <summary>The query key the callback uses to tell the Mailbox tab the outcome.</summary>
    public const string OutcomeQueryKey = "oauth";

    /// <summary>The redirect URI for the given request base, honouring <see cref="PrivateMailOptions.PublicBaseUrl"/>.</summary>
    public string RedirectUri(string requestBaseUri) => OAuthRedirect.Build(options.Value.PublicBaseUrl, requestBaseUri);

    /// <summary>Prepares the redirect to the provider for the user's saved mailbox.</summary>
    public async Task<OAuthStart> BeginAsync(string userId, string requestBaseUri, string? returnUrl, CancellationToken cancellationToken = default)
    {
        if (!modules.IsEnabled(Domain.Modules.CrmModule.MyMail))
        {
            return new OAuthStart(null, OAuthSignInOutcome.ModuleDisabled);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mailbox = await db.Mailboxes.AsNoTracking().Include(m => m.MailServer).SingleOrDefaultAsync(m => m.OwnerId == userId, cancellationToken);
        if (mailbox?.MailServer is not { AuthMethod: MailAuthMethod.OAuth2 } server
            || Endpoints(server) is not { Authorize: { } authorizeEndpoint, Scopes: { } scopes })
        {
            return new OAuthStart(null, OAuthSignInOutcome.NotOAuth);
        }

        var verifier = OAuthPendingSignIns.RandomToken();
        var redirectUri = RedirectUri(requestBaseUri);
        var state = pending.Add(userId, mailbox.Id, server.Id, verifier, redirectUri, OAuthRedirect.LocalOrMailboxTab(returnUrl));
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = server.OAuthClientId,
            ["redirect_uri"] = redirectUri,
            ["scope"] = scopes,
            ["state"] = state,
            ["code_challenge"] = OAuthPendingSignIns.Challenge(verifier),
            ["code_challenge_method"] = "S256",
        };
        if (!string.IsNullOrWhiteSpace(mailbox.Login))
        {
            query["login_hint"] = mailbox.Login.Trim();
        }

        if (server.OAuthProvider == OAuthProvider.Google)
        {
            // Google issues a refresh token only for offline access, and again only when consent is asked.
            query["access_type"] = "offline";
            query["prompt"] = "consent";
        }

        logger.LogInformation("OAuth sign-in started for mailbox {MailboxId} of user {UserId} (server {ServerId}).", mailbox.Id, userId, server.Id);
        return new OAuthStart(QueryHelpers.AddQueryString(authorizeEndpoint, query), null);
    }

    /// <summary>The callback: checks the state, exchanges the code and stores the tokens. Never throws for bad input.</summary>
    public async Task<OAuthCompletion> CompleteAsync(string userId, string? state, string? code, string? error, CancellationToken cancellationToken = default)
    {
        var signIn = pending.Take(state);
        if (!modules.IsEnabled(Domain.Modules.CrmModule.MyMail))
        {
            // Switched off between the start and the callback: the code is not exchanged and no token is stored.
            logger.LogWarning("OAuth callback for user {UserId} refused: the module My mail is disabled.", userId);
            return Done(OAuthSignInOutcome.ModuleDisabled, OAuthRedirect.MailboxTabPath);
        }

        if (signIn is null || !string.Equals(signIn.UserId, userId, StringComparison.Ordinal))
        {
            // Someone else's state is spent too: it was exposed, so its owner starts again.
            logger.LogWarning("OAuth callback for user {UserId} refused: {Reason}.", userId, signIn is null ? "unknown or expired state" : "state of another user");
            return Done(OAuthSignInOutcome.State, OAuthRedirect.MailboxTabPath);
        }

        if (!string.IsNullOrEmpty(error) || string.IsNullOrEmpty(code))
        {
            logger.LogInformation("OAuth sign-in of mailbox {MailboxId} ended at the provider: {Error}.", signIn.MailboxId, error ?? "no code");
            return Done(OAuthSignInOutcome.Denied, signIn.ReturnUrl);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mailbox = await db.Mailboxes.Include(m => m.MailServer)
            .SingleOrDefaultAsync(m => m.Id == signIn.MailboxId && m.OwnerId == userId, cancellationToken);
        if (mailbox?.MailServer is not { AuthMethod: MailAuthMethod.OAuth2 } server || server.Id != signIn.MailServerId
            || Endpoints(server) is not { Token: { } tokenEndpoint })
        {
            return Done(OAuthSignInOutcome.NotOAuth, signIn.ReturnUrl);
        }

        var result = await tokenClient.ExchangeCodeAsync(
            tokenEndpoint, server.OAuthClientId ?? "", secrets.Unprotect(server.OAuthClientSecretProtected), code, signIn.RedirectUri, signIn.CodeVerifier, cancellationToken);
        if (result.Tokens is not { } tokens)
        {
            return Done(result.Transient ? OAuthSignInOutcome.ProviderUnavailable : OAuthSignInOutcome.ExchangeFailed, signIn.ReturnUrl);
        }

        var account = OAuthTokenClient.AccountFromIdToken(tokens.IdToken) ?? (string.IsNullOrWhiteSpace(mailbox.Login) ? null : mailbox.Login.Trim());
        if (account is null)
        {
            return Done(OAuthSignInOutcome.NoAccount, signIn.ReturnUrl);
        }

        var now = time.GetUtcNow();
        mailbox.OAuthAccessTokenProtected = secrets.Protect(tokens.AccessToken);
        mailbox.OAuthRefreshTokenProtected = tokens.RefreshToken is { } refresh ? secrets.Protect(refresh) : null;
        mailbox.OAuthExpiresAt = now + tokens.ExpiresIn;
        mailbox.OAuthAccount = account.Length <= 320 ? account : account[..320];
        mailbox.Apply(mailbox.GetState().SignedIn());

        mailbox.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("OAuth sign-in completed for mailbox {MailboxId} (refresh token {HasRefresh}, expires {ExpiresAt:O}).",
            mailbox.Id, tokens.RefreshToken is null ? "missing" : "stored", mailbox.OAuthExpiresAt);
        return Done(OAuthSignInOutcome.SignedIn, signIn.ReturnUrl);
    }

    /// <summary>The authorisation and token endpoints and the scopes: fixed for Google and Microsoft, stored for a generic provider.</summary>
    internal static (string? Authorize, string? Token, string? Scopes) Endpoints(MailServer server) =>
        server.OAuthProvider == OAuthProvider.Generic
            ? (server.OAuthAuthorizeEndpoint, server.OAuthTokenEndpoint, server.OAuthScopes)
            : (OAuthProviderDefaults.AuthorizeEndpoint(server.OAuthProvider), OAuthProviderDefaults.TokenEndpoint(server.OAuthProvider), OAuthProviderDefaults.Scopes(server.OAuthProvider));

    private static OAuthCompletion Done(OAuthSignInOutcome outcome, string returnUrl) =>
        new(outcome, QueryHelpers.AddQueryString(returnUrl, OutcomeQueryKey, OutcomeValue(outcome)));

    /// <summary>The outcome as it appears in the return address (a fixed word, never text from the provider).</summary>
    public static string OutcomeValue(OAuthSignInOutcome outcome) => outcome.ToString().ToLowerInvariant();

    /// <summary>The outcome a return address names, or null for anything else (the address is not trusted).</summary>
    public static OAuthSignInOutcome? ParseOutcome(string? value)
    {
        foreach (var outcome in Enum.GetValues<OAuthSignInOutcome>())
        {
            if (OutcomeValue(outcome) == value)
            {
                return outcome;
            }
        }

        return null;
    }
}
