using System.Diagnostics;
using MimeKit;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Mail;

namespace PrivateMail.Benchmarks;

/// <summary>
/// Where the parse stage's CPU goes, step by step, without IMAP or a database: every message file of a folder (the bench
/// corpus in Dovecot's Maildir, left by <c>bench/run.sh --hold</c>) through the steps <c>ParseStage.ParseAsync</c> runs,
/// timed per step over several rounds in one process (round 0 includes the JIT). For measuring a change to one step
/// before and after, beside the whole scan.
/// </summary>
internal static class ParsePhases
{
    public static async Task<int> RunAsync(string folder, int rounds, CancellationToken cancellationToken)
    {
        var files = Directory.GetFiles(folder).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var directory = Path.Combine(Path.GetTempPath(), "privatemail-parse-phases-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var services = await BenchApp.StartAsync(directory, new Dictionary<string, string?>());
            var store = services.GetRequiredService<EmailStore>();
            Console.WriteLine($"{files.Count:N0} messages, {files.Sum(f => (long)f.Length) / 1e6:F1} MB, from {folder}");
            Console.WriteLine("| Round | Load ms | Bodies ms | Snapshot ms | New e-mail ms | Prepare ms | Process CPU s |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
            for (var round = 0; round < rounds; round++)
            {
                var step = new double[5];
                var cpu = Memory.CpuTime();
                var clock = new Stopwatch();
                foreach (var raw in files)
                {
                    clock.Restart();
                    using var message = await MimeMessage.LoadAsync(new MemoryStream(raw, writable: false), cancellationToken);
                    Lap(0);
                    var bodies = MimeBodies.Of(message);
                    Lap(1);
                    var snapshot = MimeSnapshotMapper.ToSnapshot(message, bodies);
                    Lap(2);
                    var email = MimeEmailMapper.ToNewEmail(message, snapshot, "owner", DateTimeOffset.UtcNow, bodies) with { MailboxId = 1, Folder = "INBOX", Uid = 1, UidValidity = 1 };
                    Lap(3);
                    await store.PrepareAsync(email, cancellationToken);
                    Lap(4);
                }

                Console.WriteLine($"| {round} | {step[0]:F0} | {step[1]:F0} | {step[2]:F0} | {step[3]:F0} | {step[4]:F0} | {(Memory.CpuTime() - cpu).TotalSeconds:F2} |");

                void Lap(int index)
                {
                    step[index] += clock.Elapsed.TotalMilliseconds;
                    clock.Restart();
                }
            }

            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
