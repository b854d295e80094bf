using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Security;

/// <summary>How many guesses an attacker gets: the same budget for each limited action and each key.</summary>
public sealed class AttemptLimitOptions
{
    public const string SectionName = "PrivateMail:RateLimits";

    /// <summary>Attempts allowed per key within <see cref="Window"/>.</summary>
    [Range(1, 10_000)]
    public int Attempts { get; set; } = 10;

    /// <summary>The sliding window the attempts are counted in.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>What a limited attempt is counted against.</summary>
public static class AttemptKeys
{
    /// <summary>Test connection and Load folders by one user: both try a login and password on a mail server.</summary>
    public static string ConnectionByUser(string userId) => $"connection-user:{userId}";

    /// <summary>Test connection and Load folders against one login on one server, whoever tries it.</summary>
    public static string ConnectionToLogin(int serverId, string login) => $"connection-login:{serverId}:{login.Trim().ToUpperInvariant()}";

    /// <summary>
    /// An administrator's Test connection with a login, against one login on one host (a form's server may be unsaved,
    /// so the host names it, not an id).
    /// </summary>
    public static string ConnectionToHostLogin(string host, string login) =>
        $"connection-host-login:{host.Trim().ToUpperInvariant()}:{login.Trim().ToUpperInvariant()}";

    /// <summary>Scan now (own mailbox or, for administrators, any mailbox) by one user.</summary>
    public static string ScanByUser(string userId) => $"scan-user:{userId}";

    /// <summary>Failed sign-ins naming one user name or e-mail address.</summary>
    public static string SignInName(string name) => $"signin-name:{name.Trim().ToUpperInvariant()}";

    /// <summary>Failed sign-ins from one client address (the proxy's client address when forwarded headers are on).</summary>
    public static string SignInAddress(string? address) => $"signin-address:{address ?? "unknown"}";
}

/// <summary>Thrown by a service when the caller has used up their attempts; the message is in the caller's language.</summary>
public sealed class AttemptLimitExceededException() : Exception(SecurityStrings.TooManyAttempts);

/// <summary>
/// Throttles actions that let a caller guess a password: Test connection and Load folders on the Mailbox tab and the
/// administrator's mail-server Test (per user and per target login), Scan now (per user) and sign-in (failures per name and per client address). Blazor Server circuit
/// actions have no HTTP request per click, so the services call this directly instead of going through the rate-limiting
/// middleware. A sliding window per key, nothing queued: an attempt over the limit is refused at once.
/// </summary>
public sealed class AttemptLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly ILogger<AttemptLimiter> _logger;

    public AttemptLimiter(IOptions<AttemptLimitOptions> options, ILogger<AttemptLimiter> logger)
    {
        var settings = options.Value;
        _logger = logger;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetSlidingWindowLimiter(key, _ =>
            new SlidingWindowRateLimiterOptions
            {
                PermitLimit = settings.Attempts,
                Window = settings.Window,
                SegmentsPerWindow = 10,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Counts one attempt against every key; false (and nothing counted) when any key has none left.</summary>
    public bool TryAcquire(params string[] keys)
    {
        if (!IsAllowed(keys))
        {
            return false;
        }

        Record(keys);
        return true;
    }

    /// <summary>Whether every key still has an attempt left; counts nothing (for sign-in, where only failures count).</summary>
    public bool IsAllowed(params string[] keys)
    {
        foreach (var key in keys)
        {
            using var probe = _limiter.AttemptAcquire(key, 0);
            if (!probe.IsAcquired)
            {
                _logger.LogWarning("Attempt refused: the limit for {Key} is used up.", key);
                return false;
            }
        }

        return true;
    }

    /// <summary>Counts one attempt against every key.</summary>
    public void Record(params string[] keys)
    {
        foreach (var key in keys)
        {
            using var _ = _limiter.AttemptAcquire(key, 1);
        }
    }

    public void Dispose() => _limiter.Dispose();
}
