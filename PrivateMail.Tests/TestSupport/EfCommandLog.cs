using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// The commands EF Core runs (not the app's own prepared statements, which no interceptor sees): counted all together,
/// and with <see cref="WithinAsync{T}"/> listed for one piece of work's flow only (not other services' meanwhile).
/// </summary>
public sealed class EfCommandLog : DbCommandInterceptor
{
    private readonly AsyncLocal<List<string>?> _current = new();
    private int _count;

    /// <summary>Every command EF Core ran through the contexts this log was added to.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Runs <paramref name="work"/> and lists the commands EF Core ran in its flow (its tasks included).</summary>
    public async Task<(T Result, List<string> Commands)> WithinAsync<T>(Func<Task<T>> work)
    {
        var commands = new List<string>();
        _current.Value = commands;
        try
        {
            return (await work(), commands);
        }
        finally
        {
            _current.Value = null;
        }
    }

    private void Seen(DbCommand command)
    {
        Interlocked.Increment(ref _count);
        if (_current.Value is { } commands)
        {
            lock (commands)
            {
                commands.Add(command.CommandText.Trim());
            }
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Seen(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Seen(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Seen(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Seen(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Seen(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Seen(command);
        return ValueTask.FromResult(result);
    }
}
