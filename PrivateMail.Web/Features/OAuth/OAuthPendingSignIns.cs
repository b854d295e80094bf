using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace PrivateMail.Web.Features.OAuth;

/// <summary>A sign-in between the redirect to the provider and its callback. Held only on the server.</summary>
/// <param name="CodeVerifier">The PKCE verifier: never sent to the browser, only to the token endpoint.</param>
public sealed record PendingSignIn(
    string UserId, int MailboxId, int MailServerId, string CodeVerifier, string RedirectUri, string ReturnUrl, DateTimeOffset ExpiresAt);

/// <summary>
/// The state values of sign-ins under way, keyed by state and bound to the user who started them. Taking one removes
/// it, whoever asks (single use), and an old one is gone after <see cref="Lifetime"/>. In memory on purpose: a state
/// outliving a restart is a sign-in the user simply starts again.
/// </summary>
public sealed class OAuthPendingSignIns(TimeProvider time)
{
    /// <summary>Long enough to sign in and consent at the provider, short enough that a leaked state is soon useless.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, PendingSignIn> _pending = new(StringComparer.Ordinal);

    /// <summary>Remembers the sign-in under a new unguessable state value and returns it.</summary>
    public string Add(string userId, int mailboxId, int mailServerId, string codeVerifier, string redirectUri, string returnUrl)
    {
        PurgeExpired();
        var state = RandomToken();
        _pending[state] = new PendingSignIn(userId, mailboxId, mailServerId, codeVerifier, redirectUri, returnUrl, time.GetUtcNow() + Lifetime);
        return state;
    }

    /// <summary>The sign-in for this state if it exists and has not expired; either way it can never be taken again.</summary>
    public PendingSignIn? Take(string? state)
    {
        if (string.IsNullOrEmpty(state) || !_pending.TryRemove(state, out var pending))
        {
            return null;
        }

        return pending.ExpiresAt > time.GetUtcNow() ? pending : null;
    }

    /// <summary>32 random bytes, base64url: the state value and the PKCE verifier (43 characters, within RFC 7636's 43–128).</summary>
    public static string RandomToken() => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The S256 code challenge of a verifier (RFC 7636 §4.2).</summary>
    public static string Challenge(string codeVerifier) =>
        System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(codeVerifier)));

    private void PurgeExpired()
    {
        var now = time.GetUtcNow();
        foreach (var (state, pending) in _pending)
        {
            if (pending.ExpiresAt <= now)
            {
                _pending.TryRemove(new KeyValuePair<string, PendingSignIn>(state, pending));
            }
        }
    }
}
