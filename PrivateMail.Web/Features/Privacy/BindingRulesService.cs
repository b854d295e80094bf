using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Binding;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Privacy;

/// <summary>The binding rules as the page shows them: the lists, and the company's domains used while <see cref="OurDomains"/> is empty.</summary>
public sealed record BindingRulesModel(IReadOnlyList<string> FreeMailDomains, IReadOnlyList<string> OurDomains, IReadOnlyList<string> DefaultOurDomains);

/// <summary>The outcome of saving: the stored lists, or an error per list (nothing stored).</summary>
public sealed record BindingRulesResult(bool Succeeded, string? FreeMailError, string? OurDomainsError, BindingRulesModel? Saved);

/// <summary>
/// Mail tools → Binding rules: the domains an account's website never binds mail by (<see cref="DomainBindingRules"/>).
/// Administrators only, checked here; the scanner reads the row itself (Scanner.BatchRecordLookup).
/// </summary>
public sealed class BindingRulesService(IDbContextFactory<AppDbContext> dbFactory, CurrentUser currentUser, TimeProvider time)
{
    /// <summary>Entries per list: the free-mail list ships with about 70.</summary>
    public const int MaxEntries = 1000;

    private static readonly char[] Separators = ['\n', '\r', ',', ';', ' ', '\t'];

    public async Task<BindingRulesModel> GetAsync(CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.BindingRuleSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Id == BindingRuleSettings.SingletonId, cancellationToken);
        return new BindingRulesModel(
            row is null ? DomainBindingRules.DefaultFreeMailDomains : row.FreeMailDomains,
            row?.OurDomains ?? [],
            await DefaultOurDomainsAsync(db, cancellationToken));
    }

    /// <summary>Splits each text on new lines, commas, semicolons or spaces, validates and stores both lists (or neither).</summary>
    public async Task<BindingRulesResult> SaveAsync(string? freeMailDomains, string? ourDomains, CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        var free = Parse(freeMailDomains, out var freeError);
        var ours = Parse(ourDomains, out var oursError);
        if (freeError is not null || oursError is not null)
        {
            return new BindingRulesResult(false, freeError, oursError, null);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.BindingRuleSettings.SingleOrDefaultAsync(s => s.Id == BindingRuleSettings.SingletonId, cancellationToken);
        if (row is null)
        {
            row = new BindingRuleSettings();
            db.BindingRuleSettings.Add(row);
        }

        row.FreeMailDomains = free;
        row.OurDomains = ours;
        row.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return new BindingRulesResult(true, null, null, new BindingRulesModel(free, ours, await DefaultOurDomainsAsync(db, cancellationToken)));
    }

    private static async Task<IReadOnlyList<string>> DefaultOurDomainsAsync(AppDbContext db, CancellationToken cancellationToken)
    {
        var logins = await db.Mailboxes.AsNoTracking().Select(m => new { Login = m.Login == "" ? m.OAuthAccount : m.Login, m.ProvenLogin }).ToListAsync(cancellationToken);
        return DomainBindingRules.DomainsOf(logins.SelectMany(l => ProvenAddresses.Of(null, l.Login, l.ProvenLogin)));
    }

    private static List<string> Parse(string? text, out string? error)
    {
        error = null;
        var result = new List<string>();
        foreach (var entry in (text ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (DomainBindingRules.NormaliseEntry(entry) is { } normalised)
            {
                if (!result.Contains(normalised, StringComparer.Ordinal))
                {
                    result.Add(normalised);
                }
            }
            else
            {
                error ??= string.Format(CultureInfo.CurrentCulture, PrivacyStrings.ValidationDomainEntry, entry);
            }
        }

        if (error is null && result.Count > MaxEntries)
        {
            error = string.Format(CultureInfo.CurrentCulture, PrivacyStrings.ValidationTooManyEntries, MaxEntries, result.Count);
        }

        return result;
    }

    private async Task DemandAdministratorAsync()
    {
        await currentUser.GetRequiredIdAsync();
        if (!await currentUser.IsAdministratorAsync())
        {
            throw new UnauthorizedAccessException("Administrators only.");
        }
    }
}
