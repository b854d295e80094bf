using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Records.Shared;

/// <summary>What a record form edits in every kind: who owns the record.</summary>
public interface IRecordModel
{
    string OwnerId { get; set; }
}

/// <summary>What every record service needs, in one scoped bundle so a kind's constructor names only what it adds.</summary>
public sealed class RecordServiceParts(
    IDbContextFactory<AppDbContext> dbFactory,
    RecordAccess access,
    OwnerDirectory owners,
    RecordChangeNotifier notifier,
    ILoggerFactory loggers)
{
    public IDbContextFactory<AppDbContext> DbFactory => dbFactory;

    public RecordAccess Access => access;

    public OwnerDirectory Owners => owners;

    /// <summary>Tells open pages (lists, detail pages, on every node) that a record was saved or deleted.</summary>
    public RecordChangeNotifier Notifier => notifier;

    public ILoggerFactory Loggers => loggers;
}

/// <summary>
/// The one path of list, get, new, save and delete for an owned record kind. Every operation starts with the module check
/// and the viewer (<see cref="RecordAccess.DemandAsync"/>) and reads or writes only records the viewer may see
/// (<see cref="RecordAccess.Visible"/>): per-user isolation is enforced here, not by the pages. A kind adds its sort
/// columns, its fields, its own checks and its extra queries.
/// </summary>
public abstract class RecordService<TEntity, TModel>(RecordServiceParts parts, CrmModule module, RecordKind kind)
    where TEntity : class, IOwnedRecord, ISearchable, new()
    where TModel : class, IRecordModel, new()
{
    private ILogger? _logger;

    protected RecordAccess Access => parts.Access;

    protected IDbContextFactory<AppDbContext> DbFactory => parts.DbFactory;

    private ILogger Logger => _logger ??= parts.Loggers.CreateLogger(GetType());

    /// <summary>The kind's table.</summary>
    protected abstract DbSet<TEntity> Records(AppDbContext db);

    /// <summary>The list's order for a sort column (a row property name); the id breaks ties.</summary>
    protected abstract IOrderedQueryable<TEntity> Order(IQueryable<TEntity> query, GridRequest request);

    /// <summary>Copies the form onto the entity (new or existing), with the search text.</summary>
    protected abstract void Apply(TEntity entity, TModel model);

    /// <summary>The kind's checks that the form's annotations cannot make (lists, linked records the viewer must see).</summary>
    protected virtual Task ValidateAsync(AppDbContext db, Viewer viewer, TModel model, Dictionary<string, string> errors, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>Adds a new record and returns its id; a kind with numbers overrides it.</summary>
    protected virtual async Task<int> InsertAsync(AppDbContext db, TModel model, CancellationToken cancellationToken)
    {
        var entity = new TEntity();
        Apply(entity, model);
        Records(db).Add(entity);
        await db.SaveChangesAsync(cancellationToken);
        return entity.Id;
    }

    /// <summary>One page of the records the viewer may see, matching the search text, sorted as asked.</summary>
    protected async Task<GridResult<TRow>> ListAsync<TRow>(
        GridRequest request, Expression<Func<TEntity, TRow>> row, Func<IQueryable<TEntity>, IQueryable<TEntity>>? filter, CancellationToken cancellationToken)
    {
        var viewer = await Access.DemandAsync(module);
        await using var db = await parts.DbFactory.CreateDbContextAsync(cancellationToken);
        var query = SearchText.Apply(RecordAccess.Visible(Records(db).AsNoTracking(), viewer), request.Search);
        query = filter?.Invoke(query) ?? query;
        var total = await query.CountAsync(cancellationToken);
        var page = await Order(query, request).ThenBy(r => r.Id).Skip(request.Skip).Take(request.Take).Select(row).ToListAsync(cancellationToken);
        return new GridResult<TRow>(page, total);
    }

    /// <summary>The record with this id shaped by <paramref name="select"/>, or null when it is gone or not the viewer's.</summary>
    protected async Task<T?> FindAsync<T>(int id, Expression<Func<TEntity, T>> select, CancellationToken cancellationToken)
        where T : class =>
        await ReadAsync((db, viewer) => RecordAccess.Visible(Records(db).AsNoTracking(), viewer).Where(r => r.Id == id).Select(select).SingleOrDefaultAsync(cancellationToken), cancellationToken);

    /// <summary>A query of the kind's own: after the module check, with the viewer and a context of its own.</summary>
    protected async Task<T> ReadAsync<T>(Func<AppDbContext, Viewer, Task<T>> read, CancellationToken cancellationToken)
    {
        var viewer = await Access.DemandAsync(module);
        await using var db = await parts.DbFactory.CreateDbContextAsync(cancellationToken);
        return await read(db, viewer);
    }

    /// <summary>The records of this kind the viewer may see.</summary>
    protected IQueryable<TEntity> Visible(AppDbContext db, Viewer viewer) => RecordAccess.Visible(Records(db).AsNoTracking(), viewer);

    /// <summary>An empty form owned by the signed-in user; <paramref name="fill"/> presets more (a linked record).</summary>
    protected async Task<TModel> NewModelAsync(Func<AppDbContext, Viewer, TModel, Task>? fill, CancellationToken cancellationToken)
    {
        var viewer = await Access.DemandAsync(module);
        var model = new TModel { OwnerId = viewer.UserId };
        if (fill is not null)
        {
            await using var db = await parts.DbFactory.CreateDbContextAsync(cancellationToken);
            await fill(db, viewer, model);
        }

        return model;
    }

    /// <summary>Creates (<paramref name="id"/> null) or updates a record; checks on the server what the form checks and more.</summary>
    public async Task<RecordSaveResult> SaveAsync(int? id, TModel model, CancellationToken cancellationToken = default)
    {
        var viewer = await Access.DemandAsync(module);
        var errors = RecordFields.Validate(model);
        await using var db = await parts.DbFactory.CreateDbContextAsync(cancellationToken);
        await ValidateAsync(db, viewer, model, errors, cancellationToken);
        if (!await parts.Owners.IsActiveUserAsync(model.OwnerId, cancellationToken))
        {
            errors.TryAdd(nameof(IRecordModel.OwnerId), RecordStrings.ValidationOwner);
        }

        if (errors.Count > 0)
        {
            return RecordSaveResult.Invalid(errors);
        }

        int saved;
        if (id is { } existing)
        {
            var entity = await RecordAccess.Visible(Records(db), viewer).SingleOrDefaultAsync(r => r.Id == existing, cancellationToken);
            if (entity is null)
            {
                return RecordSaveResult.Failed(RecordStrings.RecordGone);
            }

            Apply(entity, model);
            await db.SaveChangesAsync(cancellationToken);
            saved = entity.Id;
        }
        else
        {
            saved = await InsertAsync(db, model, cancellationToken);
        }

        Logger.LogInformation("{Kind} {RecordId} {Action} by {UserId}.", kind, saved, id is null ? "created" : "updated", viewer.UserId);
        Announce(saved);
        return RecordSaveResult.Saved(saved);
    }

    /// <summary>Deletes a record the viewer may see and its e-mail links; false when there is none.</summary>
    public async Task<bool> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        var viewer = await Access.DemandAsync(module);
        await using var db = await parts.DbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deleted = await RecordAccess.Visible(Records(db), viewer).Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            return false;
        }

        await RecordLinks.DeleteForRecordAsync(db, kind, id.ToString(CultureInfo.InvariantCulture), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        Logger.LogInformation("{Kind} {RecordId} deleted by {UserId}.", kind, id, viewer.UserId);
        Announce(id);
        return true;
    }

    /// <summary>Only the kind and id go out: each open page reloads through its own service, with its viewer's access.</summary>
    private void Announce(int id) =>
        parts.Notifier.Publish([new RecordChange(RecordChange.KindOf(kind), id.ToString(CultureInfo.InvariantCulture))]);
}
