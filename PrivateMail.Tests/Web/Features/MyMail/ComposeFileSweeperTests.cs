using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.MyMail;

namespace PrivateMail.Tests.Web.Features.MyMail;

/// <summary>Files a compose left behind (never sent, never discarded) go after the lifetime; fresh ones and other users' stay.</summary>
public sealed class ComposeFileSweeperTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("pm-compose-sweep-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string File(string user, string name, TimeSpan age)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, user)).FullName;
        var path = Path.Combine(directory, name);
        System.IO.File.WriteAllText(path, name);
        System.IO.File.SetLastWriteTimeUtc(path, (Now - age).UtcDateTime);
        return path;
    }

    [Fact]
    public void Files_older_than_the_lifetime_are_deleted_and_a_folder_left_empty_goes_too()
    {
        var abandoned = File("anna", "abandoned", TimeSpan.FromHours(25));
        var open = File("anna", "open", TimeSpan.FromHours(2));
        var olgasOld = File("olga", "old", TimeSpan.FromDays(3));
        var sweeper = new ComposeFileSweeper(Options.Create(new MyMailOptions()), new ManualClock(Now), NullLogger<ComposeFileSweeper>.Instance);

        Assert.Equal(2, sweeper.Sweep(_root));

        Assert.False(System.IO.File.Exists(abandoned));
        Assert.False(System.IO.File.Exists(olgasOld));
        Assert.True(System.IO.File.Exists(open));
        Assert.False(Directory.Exists(Path.GetDirectoryName(olgasOld)));
        Assert.Equal(0, sweeper.Sweep(_root));
    }

    [Fact]
    public void The_lifetime_is_configurable_and_a_missing_root_is_nothing_to_do()
    {
        var hourOld = File("anna", "hour-old", TimeSpan.FromMinutes(61));
        var sweeper = new ComposeFileSweeper(Options.Create(new MyMailOptions { ComposeFileLifetime = TimeSpan.FromHours(1) }), new ManualClock(Now), NullLogger<ComposeFileSweeper>.Instance);

        Assert.Equal(1, sweeper.Sweep(_root));
        Assert.False(System.IO.File.Exists(hourOld));
        Assert.Equal(0, sweeper.Sweep(Path.Combine(_root, "missing")));
    }

    [Fact]
    public void The_root_is_the_folder_of_the_senders_per_user_compose_folders()
    {
        Assert.Equal(MyMailSender.ComposeRoot, Path.GetDirectoryName(MyMailSender.ComposeDirectory("some-user")));
    }
}
