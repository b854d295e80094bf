using PrivateMail.Domain.Mail;

namespace PrivateMail.Domain.Scanning;

/// <summary>
/// The merged exception list of a mailbox: its own addresses and domains plus the global ones
/// (YetiForce used one list or the other, a bug). Case-insensitive; a domain also covers its subdomains.
/// </summary>
public sealed class ExceptionList
{
    private readonly HashSet<string> _addresses;
    private readonly HashSet<string> _domains;

    public ExceptionList(IEnumerable<string> addresses, IEnumerable<string> domains)
    {
        _addresses = addresses.Select(AddressRules.NormaliseAddress).OfType<string>().ToHashSet(StringComparer.Ordinal);
        _domains = domains.Select(AddressRules.NormaliseDomain).OfType<string>().ToHashSet(StringComparer.Ordinal);
    }

    // A run decides thousands of messages with the same settings and global list: normalised once per pair, not per message.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ScannerSettings, Tuple<GlobalExceptions, ExceptionList>> Merged = [];

    public static ExceptionList Merge(ScannerSettings settings, GlobalExceptions global)
    {
        if (Merged.TryGetValue(settings, out var cached) && ReferenceEquals(cached.Item1, global))
        {
            return cached.Item2;
        }

        var merged = new ExceptionList(settings.EmailExceptions.Concat(global.Emails), settings.DomainExceptions.Concat(global.Domains));
        Merged.AddOrUpdate(settings, Tuple.Create(global, merged));
        return merged;
    }

    public bool IsEmpty => _addresses.Count == 0 && _domains.Count == 0;

    public bool Matches(EmailAddress address) => Match(address) is not null;

    /// <summary>The entry (an address or a domain) that covers the address, or null.</summary>
    public string? Match(EmailAddress address)
    {
        if (_addresses.Contains(address.Normalised))
        {
            return address.Normalised;
        }

        // example.com covers mail.example.com: walk up the labels.
        var domain = address.Domain;
        while (true)
        {
            if (_domains.Contains(domain))
            {
                return domain;
            }

            var dot = domain.IndexOf('.', StringComparison.Ordinal);
            if (dot < 0 || domain.IndexOf('.', dot + 1) < 0)
            {
                return null;
            }

            domain = domain[(dot + 1)..];
        }
    }
}
