using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Users;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Localization;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MySettings;

/// <summary>Reads and saves the signed-in user's own preferences. There is no way to name another user.</summary>
public sealed class MySettingsService(
    IDbContextFactory<AppDbContext> dbFactory,
    CurrentUser currentUser,
    UserLanguageCache languages,
    ILookupNormalizer normalizer)
{
    public async Task<MySettingsModel> GetAsync(CancellationToken cancellationToken = default)
    {
        var userId = await currentUser.GetRequiredIdAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken);
        return new MySettingsModel
        {
            FirstName = user.FirstName,
            LastName = user.LastName,
            Email = user.Email ?? "",
            Language = user.Language,
            TimeZone = user.TimeZone,
            DateFormat = user.DateFormat,
            DefaultMailClient = user.DefaultMailClient,
            Signature = user.Signature,
            MailOpenMode = user.MailOpenMode,
        };
    }

    /// <summary>Validates what the form cannot (uniqueness, known values) and saves.</summary>
    public async Task<SaveResult> SaveAsync(MySettingsModel model, CancellationToken cancellationToken = default)
    {
        var userId = await currentUser.GetRequiredIdAsync();
        var errors = new Dictionary<string, string>();
        var language = UiLanguages.Normalise(model.Language);
        if (language is null)
        {
            errors[nameof(model.Language)] = Strings.ValidationUnknownLanguage;
        }

        if (!TimeZones.IsKnown(model.TimeZone))
        {
            errors[nameof(model.TimeZone)] = Strings.ValidationUnknownTimeZone;
        }

        if (!DateFormats.IsSupported(model.DateFormat))
        {
            errors[nameof(model.DateFormat)] = Strings.ValidationUnknownDateFormat;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var email = model.Email.Trim();
        var normalizedEmail = normalizer.NormalizeEmail(email);
        if (await db.Users.AnyAsync(u => u.NormalizedEmail == normalizedEmail && u.Id != userId, cancellationToken))
        {
            errors[nameof(model.Email)] = Strings.ValidationEmailTaken;
        }

        if (errors.Count > 0)
        {
            return new SaveResult(errors);
        }

        var user = await db.Users.SingleAsync(u => u.Id == userId, cancellationToken);
        user.FirstName = model.FirstName.Trim();
        user.LastName = model.LastName.Trim();
        user.Email = email;
        user.NormalizedEmail = normalizedEmail;
        user.Language = language!;
        user.TimeZone = model.TimeZone;
        user.DateFormat = model.DateFormat;
        user.DefaultMailClient = model.DefaultMailClient;
        user.Signature = model.Signature;
        user.MailOpenMode = model.MailOpenMode;
        await db.SaveChangesAsync(cancellationToken);
        languages.Set(userId, user.Language);
        return SaveResult.Success;
    }
}
