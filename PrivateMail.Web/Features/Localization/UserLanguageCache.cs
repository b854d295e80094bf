using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Localization;

/// <summary>Each user's language, read once from the database and refreshed when they save My settings.</summary>
public sealed class UserLanguageCache(IDbContextFactory<AppDbContext> dbFactory)
{
    private readonly ConcurrentDictionary<string, string> _languages = new();

    public async ValueTask<string?> GetAsync(string userId)
    {
        if (_languages.TryGetValue(userId, out var cached))
        {
            return cached;
        }

        await using var db = await dbFactory.CreateDbContextAsync();
        var language = await db.Users.Where(u => u.Id == userId).Select(u => u.Language).FirstOrDefaultAsync();
        if (language is not null)
        {
            _languages[userId] = language;
        }

        return language;
    }

    public void Set(string userId, string language) => _languages[userId] = language;
}
