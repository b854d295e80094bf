using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace PrivateMail.Web.Features.Secrets;

/// <summary>
/// Encrypts mailbox passwords, OAuth client secrets and tokens at rest with Data Protection.
/// Plain text exists only in memory, on the way to the mail server.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("PrivateMail.Secrets.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>The secret, or null when it cannot be decrypted (keys lost or rotated away).</summary>
    public string? Unprotect(string? protectedSecret)
    {
        if (string.IsNullOrEmpty(protectedSecret))
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(protectedSecret);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
