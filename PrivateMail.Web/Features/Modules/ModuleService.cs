using System.Collections.Immutable;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Data;

namespace PrivateMail.Web.Features.Modules;

/// <summary>
/// Which modules are enabled. Read from memory on every render; written through to the database;
/// every open browser hears about a change through <see cref="Changed"/>.
/// </summary>
public sealed class ModuleService(IDbContextFactory<AppDbContext> dbFactory, TimeProvider time, ILogger<ModuleService> logger)
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private ImmutableDictionary<CrmModule, bool> _state = CrmModules.All.ToImmutableDictionary(m => m, CrmModules.EnabledByDefault);

    /// <summary>Raised after a module is switched on or off. Handlers run on the writer's thread: marshal with InvokeAsync.</summary>
    public event Action? Changed;

    public bool IsEnabled(CrmModule module) => _state.TryGetValue(module, out var enabled) && enabled;

    public IReadOnlyDictionary<CrmModule, bool> Snapshot => _state;

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

    public async Task SetEnabledAsync(CrmModule module, bool enabled, string changedBy, CancellationToken cancellationToken = default)
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

        Changed?.Invoke();
    }
}
