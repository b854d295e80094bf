using PrivateMail.Web.Features.Setup;

namespace PrivateMail.Web.Features.Records.DemoData;

/// <summary>
/// The <c>--demo-data</c> switch: loads the demo set once the first administrator exists (right away on an installed
/// system; after <c>/setup</c> on a fresh one, so the demo users never stand in for the first administrator).
/// </summary>
internal sealed class DemoDataOnStartup(SetupState setup, DemoDataLoader loader, ILogger<DemoDataOnStartup> logger) : BackgroundService
{
    /// <summary>The command-line switch.</summary>
    public const string Switch = "--demo-data";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await setup.IsCompleteAsync())
        {
            logger.LogInformation("Demo data will be loaded as soon as the first administrator is created at /setup.");
        }

        await setup.WhenCompleteAsync(stoppingToken);
        try
        {
            var result = await loader.LoadAsync(cancellationToken: stoppingToken);
            if (!result.Loaded)
            {
                logger.LogInformation("Demo data is already loaded; nothing to do.");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Loading demo data failed.");
        }
    }
}
