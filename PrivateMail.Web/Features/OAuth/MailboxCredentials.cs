using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Secrets;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.OAuth;

/// <summary>
/// The IMAP credentials of a private mailbox: its login and password, or on an OAuth 2.0 server a fresh access token.
/// A token that expires within <see cref="RefreshMargin"/> is renewed first, under a per-mailbox lock so two scans
/// (or a scan and Test connection) never spend one refresh token twice. When the provider refuses the refresh token
/// the tokens are dropped and the mailbox is locked with the reason in its owner's language; the returned credentials
/// then carry that reason and the connector fails without connecting.
/// </summary>
public sealed class MailboxCredentials(
    IDbContextFactory<AppDbContext> dbFactory,
    OAuthTokenClient tokenClient,
    SecretProtector secrets,
    TimeProvider time,
    ILogger<MailboxCredentials> logger)
{
    /// <summary>A token with less life left than this is renewed before use: a scan may run for minutes.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<int, SemaphoreSlim> _locks = new();

    /// <summary>Credentials for the scanner. <paramref name="mailbox"/> must include its server.</summary>
    public async Task<ImapCredentials> GetAsync(Mailbox mailbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var password = secrets.Unprotect(mailbox.PasswordProtected);
        // An OAuth server without a sign-in but with a password keeps working the way it did before sign-in existed.
        var usesOAuth = mailbox.MailServer?.AuthMethod == MailAuthMethod.OAuth2
            && (mailbox.OAuthRefreshTokenProtected is not null || mailbox.OAuthAccessTokenProtected is not null || password is null);
        if (usesOAuth)
        {
            return await GetOAuthAsync(mailbox.Id, null, cancellationToken);
        }

        return password is null && !string.IsNullOrEmpty(mailbox.PasswordProtected)
            ? await MarkSecretUnreadableAsync(mailbox.Id)
            : new ImapCredentials(mailbox.Login, password ?? "");
    }

    /// <summary>
    /// The stored password no longer decrypts (keys lost or replaced): the mailbox waits for its owner to enter it again
    /// instead of logging in with an empty password on every schedule, and the connector fails without connecting.
    /// </summary>
    private async Task<ImapCredentials> MarkSecretUnreadableAsync(int mailboxId)
    {
        // Not cancellable: the state must be recorded even when the scan that found it is being stopped.
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var mailbox = await db.Mailboxes.Include(m => m.Owner).SingleAsync(m => m.Id == mailboxId, CancellationToken.None);
        var reason = Text(SecurityStrings.ResourceManager, OwnerCulture(mailbox), nameof(SecurityStrings.LockSecretUnreadable));
        mailbox.Apply(mailbox.GetState().SecretUnreadable(reason, time.GetUtcNow()));
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogWarning("Mailbox {MailboxId}: the stored password cannot be decrypted; the owner must enter it again.", mailboxId);
        return ImapCredentials.Failed(reason);
    }

    /// <summary>
    /// A valid access token for the mailbox, renewed when needed, with the IMAP user name: <paramref name="login"/>, else
    /// the stored login, else the account the owner signed in as.
    /// </summary>
    public async Task<ImapCredentials> GetOAuthAsync(int mailboxId, string? login, CancellationToken cancellationToken = default)
    {
        var gate = _locks.GetOrAdd(mailboxId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await GetOAuthLockedAsync(mailboxId, login, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ImapCredentials> GetOAuthLockedAsync(int mailboxId, string? login, CancellationToken cancellationToken)
    {
        // Read again inside the lock: a refresh that just finished elsewhere has stored the new token.
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mailbox = await db.Mailboxes.Include(m => m.MailServer).Include(m => m.Owner).SingleAsync(m => m.Id == mailboxId, cancellationToken);
        var culture = OwnerCulture(mailbox);
        var user = FirstFilled(login, mailbox.Login, mailbox.OAuthAccount) ?? "";
        var now = time.GetUtcNow();
        var access = secrets.Unprotect(mailbox.OAuthAccessTokenProtected);
        var expiresAt = mailbox.OAuthExpiresAt ?? DateTimeOffset.MinValue;
        if (access is not null && expiresAt - now > RefreshMargin)
        {
            return ImapCredentials.OAuth(user, access);
        }

        if (mailbox.OAuthRefreshTokenProtected is null)
        {
            // No way to renew: use what is left of the token, or ask the owner to sign in.
            return access is not null && expiresAt > now
                ? ImapCredentials.OAuth(user, access)
                : ImapCredentials.Failed(Text(culture, nameof(OAuthStrings.LockNotSignedIn)));
        }

        if (secrets.Unprotect(mailbox.OAuthRefreshTokenProtected) is not { } refreshToken)
        {
            // Data Protection keys lost or rotated away: the stored sign-in is useless.
            return await DropSignInAsync(db, mailbox, Text(culture, nameof(OAuthStrings.LockTokenUnreadable)), cancellationToken);
        }

        var server = mailbox.MailServer!;
        var (_, tokenEndpoint, _) = OAuthSignIn.Endpoints(server);
        if (server.AuthMethod != MailAuthMethod.OAuth2 || tokenEndpoint is null)
        {
            return ImapCredentials.Failed(Text(culture, nameof(OAuthStrings.LockNotSignedIn)));
        }

        var result = await tokenClient.RefreshAsync(tokenEndpoint, server.OAuthClientId ?? "", secrets.Unprotect(server.OAuthClientSecretProtected), refreshToken, cancellationToken);
        if (result.Tokens is { } tokens)
        {
            mailbox.OAuthAccessTokenProtected = secrets.Protect(tokens.AccessToken);
            // Providers that rotate refresh tokens send a new one; the others keep the old one valid.
            if (tokens.RefreshToken is { } rotated)
            {
                mailbox.OAuthRefreshTokenProtected = secrets.Protect(rotated);
            }

            mailbox.OAuthExpiresAt = now + tokens.ExpiresIn;
            await db.SaveChangesAsync(CancellationToken.None);
            logger.LogInformation("Mailbox {MailboxId}: OAuth access token renewed, valid until {ExpiresAt:O}.", mailboxId, mailbox.OAuthExpiresAt);
            return ImapCredentials.OAuth(user, tokens.AccessToken);
        }

        if (result.Transient || result.Error != "invalid_grant")
        {
            // The provider may be down or misconfigured (invalid_client is the administrator's to fix): keep the sign-in.
            logger.LogWarning("Mailbox {MailboxId}: OAuth token renewal failed ({Error}); the sign-in is kept.", mailboxId, result.Error);
            return ImapCredentials.Failed(Text(culture, nameof(OAuthStrings.LockRefreshUnavailable), result.Error));
        }

        logger.LogWarning("Mailbox {MailboxId}: the provider refused the refresh token ({Error}); the owner must sign in again.", mailboxId, result.Error);
        return await DropSignInAsync(db, mailbox, Text(culture, nameof(OAuthStrings.LockRefreshRefused), result.Error), cancellationToken);
    }

    /// <summary>Forgets the tokens (not the account, so the page can say whose sign-in ended) and locks the mailbox.</summary>
    private async Task<ImapCredentials> DropSignInAsync(AppDbContext db, Mailbox mailbox, string reason, CancellationToken cancellationToken)
    {
        _ = cancellationToken;
        mailbox.OAuthAccessTokenProtected = null;
        mailbox.OAuthRefreshTokenProtected = null;
        mailbox.OAuthExpiresAt = null;
        mailbox.Apply(mailbox.GetState().SignInEnded(reason, time.GetUtcNow()));

        // Not cancellable: a refused refresh token must not stay stored because the scan was stopped meanwhile.
        await db.SaveChangesAsync(CancellationToken.None);
        return ImapCredentials.Failed(reason);
    }

    private static string? FirstFilled(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private static CultureInfo OwnerCulture(Mailbox mailbox)
    {
        try
        {
            return CultureInfo.GetCultureInfo(mailbox.Owner?.Language ?? "en");
        }
        catch (CultureNotFoundException)
        {
            return CultureInfo.InvariantCulture;
        }
    }

    /// <summary>A string in the owner's language: a lock reason is read later by the owner, not by whoever triggered it.</summary>
    private static string Text(CultureInfo culture, string name, params object?[] args) =>
        Text(OAuthStrings.ResourceManager, culture, name, args);

    private static string Text(System.Resources.ResourceManager resources, CultureInfo culture, string name, params object?[] args)
    {
        var format = resources.GetString(name, culture) ?? name;
        return args.Length == 0 ? format : string.Format(culture, format, args);
    }
}
