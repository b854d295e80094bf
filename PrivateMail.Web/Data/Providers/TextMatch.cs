using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace PrivateMail.Web.Data.Providers;

/// <summary>
/// "Contains this text, whatever the letter case" for typed-ahead lookups: SQLite's LIKE ignores the case of ASCII letters,
/// PostgreSQL's does not, so there it is ILIKE (which folds every letter).
/// </summary>
public static class TextMatch
{
    private static readonly MethodInfo Like = typeof(DbFunctionsExtensions).GetMethod(
        nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    private static readonly MethodInfo ILike = typeof(NpgsqlDbFunctionsExtensions).GetMethod(
        nameof(NpgsqlDbFunctionsExtensions.ILike), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    /// <summary>A LIKE pattern for "contains <paramref name="text"/>", with <c>\</c> escaping its wildcards.</summary>
    public static string ContainsPattern(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <summary>Rows where any of <paramref name="fields"/> matches <paramref name="pattern"/> (escape <c>\</c>), ignoring case.</summary>
    public static Expression<Func<T, bool>> AnyLike<T>(DatabaseFacade database, string pattern, params Expression<Func<T, string?>>[] fields)
    {
        var method = database.IsNpgsql() ? ILike : Like;
        var row = Expression.Parameter(typeof(T), "row");
        Expression? any = null;
        foreach (var field in fields)
        {
            var value = new Rebind(field.Parameters[0], row).Visit(field.Body);
            var match = Expression.Call(method, Expression.Constant(EF.Functions), value, Expression.Constant(pattern), Expression.Constant("\\"));
            any = any is null ? match : Expression.OrElse(any, match);
        }

        return Expression.Lambda<Func<T, bool>>(any ?? Expression.Constant(false), row);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
