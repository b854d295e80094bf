using System.Reflection.PortableExecutable;
using System.Runtime;

namespace PrivateMail.Benchmarks;

/// <summary>
/// What code the measured processes run: the app's assemblies as plain IL (JIT at run time) or precompiled ReadyToRun
/// (what the Dockerfile ships), and any JIT setting changed through the environment — both move the numbers.
/// </summary>
internal static class BenchRuntime
{
    /// <summary>The runtime's knobs this harness has been measured with; set through the environment they reach every worker.</summary>
    private static readonly string[] Knobs =
    [
        "DOTNET_TieredCompilation", "DOTNET_TC_QuickJit", "DOTNET_TC_QuickJitForLoops", "DOTNET_TieredPGO", "DOTNET_ReadyToRun",
        "DOTNET_TC_CallCountThreshold", "DOTNET_TC_CallCountingDelayMs", "DOTNET_TC_BackgroundWorkerTimeoutMs", "DOTNET_OSR_HitLimit",
        "DOTNET_gcServer", "DOTNET_GCgen0size",
    ];

    /// <summary>True when the web app's assembly carries ReadyToRun native code (a <c>PublishReadyToRun</c> build).</summary>
    public static bool AppIsReadyToRun => IsReadyToRun(typeof(PrivateMail.Web.Data.AppDbContext).Assembly.Location);

    public static bool IsReadyToRun(string assemblyPath)
    {
        if (string.IsNullOrEmpty(assemblyPath) || !File.Exists(assemblyPath))
        {
            return false;
        }

        using var stream = File.OpenRead(assemblyPath);
        using var reader = new PEReader(stream);
        // Crossgen2 writes the ReadyToRun header into the CLI header's managed native header directory; IL-only has none.
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    /// <summary>One line for the report, e.g. "ReadyToRun; server GC; DOTNET_TieredCompilation=0".</summary>
    public static string Describe(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var parts = new List<string>
        {
            AppIsReadyToRun ? "the app's assemblies ReadyToRun (precompiled, as the Dockerfile publishes them)" : "the app's assemblies as IL (JIT at run time, as `dotnet build` leaves them)",
            GCSettings.IsServerGC ? "server GC" : "workstation GC",
        };
        parts.AddRange(Knobs.Where(k => !string.IsNullOrEmpty(environment(k))).Select(k => $"`{k}={environment(k)}`"));
        return string.Join("; ", parts);
    }
}
