using Microsoft.AspNetCore.Components;

namespace PrivateMail.Web.Features.Modules;

/// <summary>A component that re-renders when an administrator switches a module on or off, in any browser.</summary>
public abstract class ModuleAwareComponent : ComponentBase, IDisposable
{
    [Inject]
    public required ModuleService Modules { get; init; }

    private IDisposable? _subscription;

    protected override void OnInitialized() => _subscription ??= Modules.Subscribe(OnModulesChanged);

    private void OnModulesChanged(PrivateMail.Domain.Modules.CrmModule module) => _ = InvokeAsync(async () =>
    {
        await OnModulesChangedAsync();
        StateHasChanged();
    });

    /// <summary>Runs on the component's dispatcher after a module change, before re-rendering.</summary>
    protected virtual Task OnModulesChangedAsync() => Task.CompletedTask;

    public virtual void Dispose()
    {
        _subscription?.Dispose();
        GC.SuppressFinalize(this);
    }
}
