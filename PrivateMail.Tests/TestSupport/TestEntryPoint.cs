using PrivateMail.Tests.Faults;

namespace PrivateMail.Tests.TestSupport;

/// <summary>
/// The test executable's entry point: what xunit.v3 would generate, plus one switch. With
/// <see cref="ScanChildProcess.Switch"/> first, the executable is not a test run but the scanner in a process of its own,
/// which a fault test can kill with SIGKILL (see <see cref="ScanChildProcess"/>).
/// </summary>
internal static class TestEntryPoint
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == ScanChildProcess.Switch)
        {
            return ScanChildProcess.RunChildAsync(args[1..]).GetAwaiter().GetResult();
        }

        if (args.Any(arg => arg is "--server" or "--internal-msbuild-node"))
        {
            return Xunit.MicrosoftTestingPlatform.TestPlatformTestFramework.RunAsync(args, SelfRegisteredExtensions.AddSelfRegisteredExtensions).GetAwaiter().GetResult();
        }

        return Xunit.Runner.InProc.SystemConsole.ConsoleRunner.Run(args).GetAwaiter().GetResult();
    }
}
