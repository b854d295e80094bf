using Microsoft.AspNetCore.Components;

namespace PrivateMail.Web.Features.Modules;

/// <summary>A component that re-renders when an administrator switches a module on or off, in any browser.</summary>
public abstract class ModuleAwareComponent : ComponentBase, IDisposable
{
    [Inject]
    public required ModuleService Modules { get; init; }

    protected override void OnInitialized() => Modules.Changed += OnModulesChanged;

    private void OnModulesChanged() => _ = InvokeAsync(async () =>
    {
        await OnModulesChangedAsync();
        StateHasChanged();
    });

    /// <summary>Runs on the component's dispatcher after a module change, before re-rendering.</summary>
    protected virtual Task OnModulesChangedAsync() => Task.CompletedTask;

    public virtual void Dispose()
    {
        Modules.Changed -= OnModulesChanged;
        GC.SuppressFinalize(this);
    }
}
