using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PrivateMail.Web.Data;

/// <summary>An entity that records when it was created; <see cref="Timestamps"/> sets it on insert.</summary>
public interface ICreatedAt
{
    DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An entity that records when it last changed; <see cref="Timestamps"/> sets it on insert and update.</summary>
public interface IModifiedAt : ICreatedAt
{
    DateTimeOffset ModifiedAt { get; set; }
}

/// <summary>
/// The one place that stamps entities saved through EF: <c>CreatedAt</c> (and <c>ModifiedAt</c>) of an added entity when
/// left unset, <c>ModifiedAt</c> of a changed one unless the caller set it. Values the caller chose (demo data spread over
/// the past, imports) stay. Bulk <c>ExecuteUpdate</c>/raw SQL writes bypass EF's change tracker and set their own.
/// </summary>
public sealed class Timestamps(TimeProvider time) : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Stamp(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        foreach (var entry in context.ChangeTracker.Entries<ICreatedAt>())
        {
            switch (entry.State)
            {
                case EntityState.Added:
                    if (entry.Entity.CreatedAt == default)
                    {
                        entry.Entity.CreatedAt = now;
                    }

                    if (entry.Entity is IModifiedAt { ModifiedAt: var modified } added && modified == default)
                    {
                        added.ModifiedAt = now;
                    }

                    break;
                case EntityState.Modified when entry.Entity is IModifiedAt changed
                                              && !entry.Property(nameof(IModifiedAt.ModifiedAt)).IsModified:
                    changed.ModifiedAt = now;
                    break;
            }
        }
    }
}
