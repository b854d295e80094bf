using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Records;

/// <summary>
/// List search: every word the user types must occur in the record's search text. The text is lower-cased in .NET, not
/// by SQLite, whose LIKE folds only ASCII — so "łukasz" finds "Łukasz" and "ŻAK" finds "Żak".
/// </summary>
public static class SearchText
{
    /// <summary>The search column's value for these parts.</summary>
    public static string Build(params string?[] parts) =>
        string.Join(' ', parts.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p!.Trim())).ToLowerInvariant();

    public static IQueryable<T> Apply<T>(IQueryable<T> query, string? search) where T : class, ISearchable
    {
        if (string.IsNullOrWhiteSpace(search))
        {
            return query;
        }

        foreach (var word in search.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(8))
        {
            query = query.Where(r => r.SearchText.Contains(word));
        }

        return query;
    }

    /// <summary>Orders by a key ascending or descending.</summary>
    public static IOrderedQueryable<T> Order<T, TKey>(this IQueryable<T> query, Expression<Func<T, TKey>> key, bool descending) =>
        descending ? query.OrderByDescending(key) : query.OrderBy(key);

    /// <summary>Orders by a text alphabetically for people (<see cref="UnicodeCollation"/>), case-insensitively.</summary>
    public static IOrderedQueryable<T> OrderText<T>(this IQueryable<T> query, Expression<Func<T, string?>> key, bool descending = false) =>
        query.Order(Collated(key), descending);

    /// <summary>Then by a text, alphabetically for people.</summary>
    public static IOrderedQueryable<T> ThenByText<T>(this IOrderedQueryable<T> query, Expression<Func<T, string?>> key) =>
        query.ThenBy(Collated(key));

    private static Expression<Func<T, string?>> Collated<T>(Expression<Func<T, string?>> key)
    {
        var collate = typeof(RelationalDbFunctionsExtensions).GetMethod(nameof(RelationalDbFunctionsExtensions.Collate))!.MakeGenericMethod(typeof(string));
        var body = Expression.Call(collate, Expression.Constant(EF.Functions), key.Body, Expression.Constant(UnicodeCollation.For(System.Globalization.CultureInfo.CurrentCulture)));
        return Expression.Lambda<Func<T, string?>>(body, key.Parameters);
    }
}
