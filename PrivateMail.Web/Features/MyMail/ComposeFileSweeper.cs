using Microsoft.Extensions.Options;

namespace PrivateMail.Web.Features.MyMail;

/// <summary>
/// Deletes compose files older than <see cref="MyMailOptions.ComposeFileLifetime"/> — what a message abandoned without
/// Send or Discard left in the compose folders — at start-up and every hour, and removes user folders left empty.
/// A file still in use by an open compose is not that old unless the compose was left open that long; its Send then
/// reports the file as missing (nothing else is lost: the text stays in the form).
/// </summary>
public sealed class ComposeFileSweeper(IOptions<MyMailOptions> options, TimeProvider time, ILogger<ComposeFileSweeper> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, time);
        do
        {
            try
            {
                Sweep(MyMailSender.ComposeRoot);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(ex, "My mail: sweeping old compose files failed; next try in an hour.");
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Deletes the files under <paramref name="root"/> older than the lifetime; returns how many.</summary>
    internal int Sweep(string root)
    {
        if (!Directory.Exists(root))
        {
            return 0;
        }

        var cutoff = time.GetUtcNow().UtcDateTime - options.Value.ComposeFileLifetime;
        var deleted = 0;
        foreach (var directory in Directory.EnumerateDirectories(root))
        {
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                if (File.GetLastWriteTimeUtc(file) < cutoff)
                {
                    File.Delete(file);
                    deleted++;
                }
            }

            if (!Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }

        if (deleted > 0)
        {
            logger.LogInformation("My mail: deleted {Count} compose files older than {Lifetime}.", deleted, options.Value.ComposeFileLifetime);
        }

        return deleted;
    }
}
