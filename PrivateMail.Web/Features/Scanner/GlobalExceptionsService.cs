using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Scanner;

/// <summary>The outcome of saving the global exceptions: the stored (normalised) lists, or an error per list.</summary>
public sealed record GlobalExceptionsResult(bool Succeeded, IReadOnlyList<string> Emails, IReadOnlyList<string> Domains, string? EmailError, string? DomainError);

/// <summary>
/// Mail tools → Global exceptions: addresses and domains whose mail every mailbox's scanner skips. Reading and saving
/// are for administrators only (checked here); the scanner reads them through <see cref="LoadAsync"/>.
/// </summary>
public sealed class GlobalExceptionsService(IDbContextFactory<AppDbContext> dbFactory, CurrentUser currentUser, TimeProvider time)
{
    private static readonly char[] Separators = ['\n', '\r', ',', ';', ' ', '\t'];

    /// <summary>The lists as the scanner merges them; none when never saved. No user check: the scanner has no user.</summary>
    public static async Task<GlobalExceptions> LoadAsync(AppDbContext db, CancellationToken cancellationToken = default)
    {
        var row = await db.GlobalExceptionSettings.AsNoTracking().SingleOrDefaultAsync(s => s.Id == Data.GlobalExceptionSettings.SingletonId, cancellationToken);
        return row is null ? GlobalExceptions.None : new GlobalExceptions(row.EmailExceptions, row.DomainExceptions);
    }

    public async Task<GlobalExceptions> GetAsync(CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await LoadAsync(db, cancellationToken);
    }

    /// <summary>Splits each text on new lines, commas, semicolons or spaces, validates and stores both lists (or neither).</summary>
    public async Task<GlobalExceptionsResult> SaveAsync(string? emails, string? domains, CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        var emailList = NormaliseAll(Split(emails), AddressRules.NormaliseAddress, out var badAddress);
        var domainList = NormaliseAll(Split(domains), AddressRules.NormaliseDomain, out var badDomain);
        var emailError = badAddress is null ? null : string.Format(CultureInfo.CurrentCulture, MailboxStrings.ValidationEmail, badAddress);
        var domainError = badDomain is null ? null : string.Format(CultureInfo.CurrentCulture, MailboxStrings.ValidationDomain, badDomain);
        if (emailError is not null || domainError is not null)
        {
            return new GlobalExceptionsResult(false, emailList, domainList, emailError, domainError);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.GlobalExceptionSettings.SingleOrDefaultAsync(s => s.Id == Data.GlobalExceptionSettings.SingletonId, cancellationToken);
        if (row is null)
        {
            row = new GlobalExceptionSettings();
            db.GlobalExceptionSettings.Add(row);
        }

        row.EmailExceptions = emailList;
        row.DomainExceptions = domainList;
        row.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return new GlobalExceptionsResult(true, emailList, domainList, null, null);
    }

    private static IEnumerable<string> Split(string? text) =>
        (text ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static List<string> NormaliseAll(IEnumerable<string> values, Func<string?, string?> normalise, out string? invalid)
    {
        invalid = null;
        var result = new List<string>();
        foreach (var value in values)
        {
            if (normalise(value) is { } normalised)
            {
                if (!result.Contains(normalised, StringComparer.Ordinal))
                {
                    result.Add(normalised);
                }
            }
            else
            {
                invalid ??= value;
            }
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
