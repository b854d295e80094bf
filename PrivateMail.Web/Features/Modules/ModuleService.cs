using System.Collections.Immutable;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.LiveUpdates;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Modules;

/// <summary>
/// Which modules are enabled. Read from memory on every render; written through to the database;
/// every open browser hears about a change through <see cref="Subscribe"/>. A switch on another node arrives through the
/// <see cref="ILiveBackplane"/> (the module's name only): this node reads the database again before telling its pages.
/// </summary>
public sealed class ModuleService
{
    /// <summary>The backplane topic of module switches.</summary>
    public const string Topic = "modules";

    private readonly IDbContextFactory<AppDbContext> dbFactory;
    private readonly TimeProvider time;
    private readonly ILogger<ModuleService> logger;
    private readonly ILiveBackplane _backplane;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly LiveSubscriptions<CrmModule, CrmModule> _changes;
    private ImmutableDictionary<CrmModule, bool> _state = CrmModules.All.ToImmutableDictionary(m => m, CrmModules.EnabledByDefault);

    public ModuleService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time, ILogger<ModuleService> logger, ILiveBackplane? backplane = null)
    {
        this.dbFactory = dbFactory;
        this.time = time;
        this.logger = logger;
        _changes = new(logger);
        _backplane = backplane ?? InProcessLiveBackplane.Instance;
        // Off the backplane's thread: reading the database must not hold up the other nodes' messages.
        _backplane.Subscribe<CrmModule>(Topic, module => Task.Run(ReloadAsync));
        _backplane.SubscribeResync(() => _ = Task.Run(ReloadAsync));
    }

    /// <summary>
    /// Hears, until disposed, each module switched on or off. Handlers run on the writer's thread: marshal with InvokeAsync.
    /// </summary>
    public IDisposable Subscribe(Action<CrmModule> handler) => _changes.SubscribeAll(handler);

    /// <summary>Open subscriptions: components listening now.</summary>
    public int SubscriberCount => _changes.Count;

    public bool IsEnabled(CrmModule module) => _state.TryGetValue(module, out var enabled) && enabled;

    public IReadOnlyDictionary<CrmModule, bool> Snapshot => _state;

    /// <summary>Refuses use of a switched-off module with <see cref="ModuleDisabledException"/> (a message in the user's language).</summary>
    public void Demand(CrmModule module)
    {
        if (!IsEnabled(module))
        {
            throw new ModuleDisabledException(module);
        }
    }

    /// <summary>Loads the saved state, writing defaults for modules never saved before.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var saved = await db.ModuleSettings.ToDictionaryAsync(m => m.Module, cancellationToken);
        foreach (var module in CrmModules.All.Where(m => !saved.ContainsKey(m)))
        {
            var setting = new ModuleSetting { Module = module, Enabled = CrmModules.EnabledByDefault(module), ChangedAt = time.GetUtcNow() };
            db.ModuleSettings.Add(setting);
            saved[module] = setting;
        }

        await db.SaveChangesAsync(cancellationToken);
        _state = CrmModules.All.ToImmutableDictionary(m => m, m => saved[m].Enabled);
    }

    /// <summary>
    /// Reads the saved state again after another node switched a module (or may have), and tells this node's pages about
    /// each module whose state changed.
    /// </summary>
    internal async Task ReloadAsync()
    {
        IReadOnlyList<CrmModule> changed;
        await _writeGate.WaitAsync();
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            var saved = await db.ModuleSettings.AsNoTracking().ToDictionaryAsync(m => m.Module, m => m.Enabled);
            var before = _state;
            _state = CrmModules.All.ToImmutableDictionary(m => m, m => saved.TryGetValue(m, out var enabled) ? enabled : before[m]);
            changed = [.. CrmModules.All.Where(m => before[m] != _state[m])];
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Reloading the module switches after a change on another node failed.");
            return;
        }
        finally
        {
            _writeGate.Release();
        }

        foreach (var module in changed)
        {
            logger.LogInformation("Module {Module} {State} on another node.", module, _state[module] ? "enabled" : "disabled");
            _changes.Publish(module, module);
        }
    }

    /// <summary>Switches a module on or off for everyone: administrators only, checked here and not only on the page.</summary>
    public Task SetEnabledAsync(CrmModule module, bool enabled, ClaimsPrincipal changedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changedBy);
        if (!changedBy.IsInRole(Roles.Administrator) || changedBy.FindFirstValue(ClaimTypes.NameIdentifier) is null)
        {
            throw new UnauthorizedAccessException("Administrators only.");
        }

        return SetEnabledAsync(module, enabled, changedBy.Identity?.Name ?? changedBy.FindFirstValue(ClaimTypes.NameIdentifier)!, cancellationToken);
    }

    /// <summary>The write itself, without a caller check: for start-up code, tools and tests that act as the system.</summary>
    internal async Task SetEnabledAsync(CrmModule module, bool enabled, string changedBy, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var setting = await db.ModuleSettings.SingleOrDefaultAsync(m => m.Module == module, cancellationToken);
            if (setting is null)
            {
                setting = new ModuleSetting { Module = module };
                db.ModuleSettings.Add(setting);
            }

            setting.Enabled = enabled;
            setting.ChangedAt = time.GetUtcNow();
            setting.ChangedBy = changedBy;
            await db.SaveChangesAsync(cancellationToken);
            _state = _state.SetItem(module, enabled);
            logger.LogInformation("Module {Module} {State} by {User}.", module, enabled ? "enabled" : "disabled", changedBy);
        }
        finally
        {
            _writeGate.Release();
        }

        _changes.Publish(module, module);
        _backplane.Publish(Topic, module);
    }
}
