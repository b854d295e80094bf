using PrivateMail.Benchmarks;

namespace PrivateMail.Tests.Bench;

/// <summary>
/// The benchmark harness' own logic (bench/PrivateMail.Benchmarks): its command line, the check that cold and warm runs
/// did the same work, and the report with cold and warm rows — the part of bench/run.sh that needs no Dovecot. The
/// measurements themselves are timings and belong to the harness, not to assertions.
/// </summary>
public sealed class BenchHarnessTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("privatemail-bench-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_default_run_measures_cold_and_warm_after_a_ten_thousand_message_warm_up_and_the_quick_run_after_a_thousand()
    {
        var settings = BenchSettings.From(Arguments.Parse(["--repo", _directory]));
        var quick = BenchSettings.From(Arguments.Parse(["--repo", _directory, "--quick"]));

        Assert.Equal([ProcessState.Cold, ProcessState.Warm], settings.States);
        Assert.Equal(10_000, settings.WarmupSize);
        Assert.Equal([ProcessState.Cold, ProcessState.Warm], quick.States);
        Assert.Equal(1_000, quick.WarmupSize);
        Assert.Equal([1_000, 10_000, 50_000], settings.Sizes);
        Assert.False(settings.Quick);
    }

    [Theory]
    [InlineData("--warm", "Warm")]
    [InlineData("--cold", "Cold")]
    [InlineData("--quick", "Cold,Warm")]
    public void Cold_or_warm_alone_is_chosen_by_a_flag(string flag, string expected)
    {
        var settings = BenchSettings.From(Arguments.Parse(["--repo", _directory, flag, "--sizes", "10000", "--warmup", "2000"]));

        Assert.Equal(expected, string.Join(",", settings.States));
        Assert.Equal(2_000, settings.WarmupSize);
        Assert.Equal([10_000], settings.Sizes);
    }

    [Fact]
    public void A_worker_command_line_with_a_warm_up_folder_is_a_warm_run()
    {
        var warm = WorkerArgs.From(Arguments.Parse([
            "--host", "127.0.0.1", "--port", "10143", "--folder", "Bench-10000", "--batch", "100", "--count", "10000",
            "--warmup-folder", Orchestrator.WarmupFolder, "--warmup-count", "1000", "--template", "/t/privatemail.db", "--run-dir", "/r",
        ]));
        var cold = WorkerArgs.From(Arguments.Parse(["--folder", "Bench-10000", "--count", "10000"]));

        Assert.Equal(("Bench-10000", 10_000, 10143, "/r"), (warm.Folder, warm.Count, warm.Port, warm.RunDirectory));
        Assert.Equal((Orchestrator.WarmupFolder, 1_000), (warm.WarmupFolder, warm.WarmupCount));
        Assert.Null(cold.WarmupFolder);
        Assert.Equal(0, cold.WarmupCount);
    }

    [Fact]
    public void Runs_that_stored_the_same_are_the_same_work_whatever_their_stage_clocks()
    {
        var cold = Scan(warm: false, seconds: 15.6, cpu: 23.0);
        var warm = Scan(warm: true, seconds: 11.2, cpu: 16.4) with { Counters = new(cold.Counters) { ["stage.write.busy"] = 9_000 } };

        Assert.Null(Orchestrator.SameWork([cold, warm]));
    }

    [Fact]
    public void A_warm_run_that_created_other_tickets_is_reported_as_different_work()
    {
        var cold = Scan(warm: false, seconds: 15.6, cpu: 23.0);
        var warm = Scan(warm: true, seconds: 11.2, cpu: 16.4) with { Counters = new(cold.Counters) { ["tickets"] = 3_100 } };

        var mismatch = Orchestrator.SameWork([cold, warm]);

        Assert.NotNull(mismatch);
        Assert.Contains("cold: ", mismatch);
        Assert.Contains("warm: ", mismatch);
        Assert.Contains("tickets 3052", mismatch);
        Assert.Contains("tickets 3100", mismatch);
    }

    [Fact]
    public void The_report_shows_cold_and_warm_side_by_side_with_the_targets_for_each()
    {
        var markdown = FullReport(quick: false).ToMarkdown();

        // Ratio = scanner rate ÷ limit rate: cold 10,000/15.6 ÷ 10,000/2.0 = 0.13, warm 10,000/8.0 ÷ 10,000/1.6 = 0.20.
        Assert.Contains("| 10,000 | 100 | cold | 5,000 msg/s | 641 msg/s | 0.13 **FAIL** | 15.60 s | 2.10 / 23.00 s |", markdown);
        Assert.Contains("| 10,000 | 100 | warm | 6,250 msg/s | 1,250 msg/s | 0.20 **FAIL** | 8.00 s | 1.70 / 12.00 s |", markdown);
        Assert.Contains("| Scanner ÷ limit ≥ 0.25 (10,000 messages, cold) | 0.13 | **FAIL** |", markdown);
        Assert.Contains("| Scanner ÷ limit ≥ 0.25 (10,000 messages, warm) | 0.20 | **FAIL** |", markdown);
        Assert.Contains("| 10,000 messages in under 6 s, cold | 15.6 s | **FAIL** |", markdown);
        Assert.Contains("| 10,000 messages in under 6 s, warm | 8.0 s | **FAIL** |", markdown);
        Assert.Contains("scans 10,000 other generated messages (`Bench-warmup`)", markdown);
        Assert.Contains("- 10,000 messages, 100 contacts, warm — limit: 1.60 (1.70 CPU-s); scanner: 8.00 (12.00 CPU-s) (warm-up, not measured: limit 0.40 s, 0.50 CPU-s; scanner 3.00 s, 4.00 CPU-s)", markdown);
        Assert.Contains("Cold and warm runs did exactly this", markdown);
        Assert.DoesNotContain("**Failures:**", markdown);
    }

    [Fact]
    public void A_cold_only_report_keeps_the_single_row_and_unlabelled_targets()
    {
        var report = Report(quick: false, [new Point(10_000, 100, [Bare(warm: false, 2.0, 2.1)], [Scan(warm: false, 15.6, 23.0)], ProcessState.Cold)]);

        var markdown = report.ToMarkdown();

        Assert.Contains("| 10,000 | 100 | cold | 5,000 msg/s |", markdown);
        Assert.DoesNotContain("| warm |", markdown);
        Assert.Contains("| 10,000 messages in under 6 s | 15.6 s | **FAIL** |", markdown);
        Assert.DoesNotContain("**Warm** is", markdown);
    }

    [Fact]
    public void Each_run_shows_the_machine_s_speed_probe_taken_before_it_and_a_run_without_one_shows_none()
    {
        var report = Report(quick: false, [new Point(10_000, 100, [Bare(warm: false, 2.0, 2.1) with { SpeedProbeMilliseconds = 61.4 }],
            [Scan(warm: false, 5.5, 9.0) with { SpeedProbeMilliseconds = 58 }, Scan(warm: false, 7.3, 12.0) with { SpeedProbeMilliseconds = 117 }, Scan(warm: false, 6.0, 10.0)], ProcessState.Cold)]);

        var markdown = report.ToMarkdown();

        Assert.Contains("limit: 2.00 (2.10 CPU-s, probe 61 ms); scanner: 5.50 (9.00 CPU-s, probe 58 ms) / 7.30 (12.00 CPU-s, probe 117 ms) / 6.00 (10.00 CPU-s)", markdown);
        Assert.Contains("which the speed probe before each run shows", markdown);
    }

    [Fact]
    public void A_full_run_rewrites_the_readme_between_its_markers_and_a_quick_run_never_does()
    {
        var readme = Path.Combine(_directory, "README.md");
        const string Before = "# App\n\n<!-- bench:start -->\nold table\n<!-- bench:end -->\n\nAfter the table.\n";
        File.WriteAllText(readme, Before);

        var quick = FullReport(quick: true);
        quick.Write(quick.ToMarkdown());
        Assert.Equal(Before, File.ReadAllText(readme));

        var full = FullReport(quick: false);
        full.Write(full.ToMarkdown());
        var after = File.ReadAllText(readme);
        Assert.DoesNotContain("old table", after);
        Assert.Contains("| 10,000 | 100 | warm |", after);
        Assert.EndsWith("<!-- bench:end -->\n\nAfter the table.\n", after);
        Assert.Contains("| 10,000 | 100 | warm |", File.ReadAllText(Path.Combine(_directory, "bench", "RESULTS.md")));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_directory, "bench", "results")).Length);
    }

    private Report FullReport(bool quick) => Report(quick,
    [
        new Point(10_000, 100, [Bare(warm: false, 2.0, 2.1)], [Scan(warm: false, 15.6, 23.0)], ProcessState.Cold),
        new Point(10_000, 100, [Bare(warm: true, 1.6, 1.7)], [Scan(warm: true, 8.0, 12.0)], ProcessState.Warm),
    ]);

    private Report Report(bool quick, List<Point> points)
    {
        var args = new List<string> { "--repo", _directory, "--work-dir", _directory, "--sizes", "10000", "--contacts", "100", "--repeat", "1", "--latency", "0" };
        if (quick)
        {
            args.Add("--quick");
        }

        var settings = BenchSettings.From(Arguments.Parse(args));
        var bind = new Dictionary<int, List<WorkerResult>> { [100] = [new WorkerResult { Kind = "bind", Messages = 10_000, Seconds = 2.4, CpuSeconds = 3.6 }] };
        return new Report(settings, new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero), "1.0 1.0 1.0", "1.1 1.0 1.0", "2.3.19.1 (x)", true,
            new Dictionary<int, double> { [10_000] = 3_800 }, new Dictionary<int, long> { [10_000] = 150_000_000 }, points, bind, null, []);
    }

    private static WorkerResult Bare(bool warm, double seconds, double cpu) => new()
    {
        Kind = "bare", Messages = 10_000, Seconds = seconds, CpuSeconds = cpu, PeakWorkingSet = 70L << 20, Warm = warm,
        WarmupMessages = warm ? 1_000 : 0, WarmupSeconds = warm ? 0.4 : 0, WarmupCpuSeconds = warm ? 0.5 : 0,
    };

    private static WorkerResult Scan(bool warm, double seconds, double cpu) => new()
    {
        Kind = "scan", Messages = 10_000, Seconds = seconds, CpuSeconds = cpu, PeakWorkingSet = 290L << 20, DatabaseBytes = 206L << 20, AttachmentBytes = 6L << 20,
        Warm = warm, WarmupMessages = warm ? 1_000 : 0, WarmupSeconds = warm ? 3.0 : 0, WarmupCpuSeconds = warm ? 4.0 : 0,
        Counters = new()
        {
            ["fetched"] = 10_000, ["stored"] = 10_000, ["bound"] = 8_465, ["ticketsOpened"] = 113, ["ticketsCreated"] = 2_852, ["skipped"] = 0, ["failed"] = 0,
            ["emails"] = 10_000, ["links"] = 22_679, ["tickets"] = 3_052, ["stage.write.busy"] = 14_000,
        },
    };
}
