using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Binding;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Security;

namespace PrivateMail.Web.Features.Records.PastEmails;

/// <summary>
/// What a record's past e-mails are matched by: its addresses, and an account's domain when the binding rules let it
/// bind by domain. <paramref name="UserId"/> is whose mailboxes' mail is searched — always the signed-in user.
/// </summary>
public sealed record PastEmailTarget(string UserId, RecordKind Kind, int RecordId, IReadOnlySet<string> Addresses, string? Domain)
{
    public string Described => string.Join(", ", Domain is null ? Addresses : Addresses.Append("@" + Domain));
}

/// <summary>How far a run is: e-mails checked of the total, links added; finished, stopped or failed at the end.</summary>
public sealed record PastEmailProgress(int Checked, int Total, int Linked, bool Finished, bool Stopped, bool Failed);

/// <summary>
/// Matching the already stored mail of one user's mailboxes against a record. Pages through the e-mails by id (a few
/// hundred at a time, headers only), so memory stays flat and a run of 100,000 e-mails never holds a transaction open.
/// </summary>
public static partial class PastEmailMatcher
{
    private const int PageSize = 500;

    [GeneratedRegex(@"[^\s<>,;""()]+@[^\s<>,;""()]+", RegexOptions.CultureInvariant)]
    private static partial Regex AddressToken();

    /// <summary>Whether the sender, a To or a Cc address matches the target.</summary>
    public static bool Matches(PastEmailTarget target, string? fromNormalised, string to, string cc)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (fromNormalised is not null && Hit(target, fromNormalised))
        {
            return true;
        }

        foreach (var header in (string[])[to, cc])
        {
            foreach (Match token in AddressToken().Matches(header))
            {
                if (AddressRules.NormaliseAddress(token.Value) is { } address && Hit(target, address))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Hit(PastEmailTarget target, string address) =>
        target.Addresses.Contains(address)
        || (target.Domain is { } domain && address.EndsWith("@" + domain, StringComparison.Ordinal));

    /// <summary>
    /// Walks the user's mailboxes' e-mails in id order; for each page, the matching ones not yet linked to the record
    /// go to <paramref name="onPage"/> (which links them, or only counts).
    /// </summary>
    public static async Task WalkAsync(
        IDbContextFactory<AppDbContext> dbFactory, PastEmailTarget target, Func<IReadOnlyList<int>, int, Task> onPage, CancellationToken cancellationToken)
    {
        var key = target.RecordId.ToString(CultureInfo.InvariantCulture);
        var after = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var page = await Candidates(db, target.UserId).Where(e => e.Id > after).OrderBy(e => e.Id).Take(PageSize)
                .Select(e => new { e.Id, e.FromNormalised, e.To, e.Cc, Linked = e.Links.Any(l => l.RecordKind == target.Kind && l.RecordId == key) })
                .ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                return;
            }

            after = page[^1].Id;
            var matching = page.Where(e => !e.Linked && Matches(target, e.FromNormalised, e.To, e.Cc)).Select(e => e.Id).ToList();
            await onPage(matching, page.Count);
        }
    }

    /// <summary>The e-mails of the user's own mailboxes: never another user's mail, administrators included.</summary>
    public static IQueryable<Email> Candidates(AppDbContext db, string userId) =>
        db.Emails.Where(e => e.MailboxId != null && e.Mailbox!.OwnerId == userId);
}

/// <summary>
/// The running link jobs, one per user and record: they run on the thread pool, not in a circuit, so leaving the page
/// neither stops nor blocks them, and coming back shows the same job's live progress.
/// </summary>
public sealed class PastEmailJobs(IDbContextFactory<AppDbContext> dbFactory, EmailStore emails, RecordChangeNotifier notifier, ILogger<PastEmailJobs> logger)
{
    private readonly Dictionary<(string, RecordKind, int), PastEmailJob> _jobs = [];
    private readonly Lock _gate = new();

    public PastEmailJob? Find(string userId, RecordKind kind, int recordId)
    {
        lock (_gate)
        {
            return _jobs.GetValueOrDefault((userId, kind, recordId));
        }
    }

    /// <summary>Starts linking, or returns the job already running for this user and record.</summary>
    public PastEmailJob Start(PastEmailTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        lock (_gate)
        {
            var id = (target.UserId, target.Kind, target.RecordId);
            if (_jobs.TryGetValue(id, out var running) && !running.Progress.Finished)
            {
                return running;
            }

            var job = new PastEmailJob();
            _jobs[id] = job;
            job.Run = Task.Run(() => RunAsync(target, job));
            return job;
        }
    }

    private async Task RunAsync(PastEmailTarget target, PastEmailJob job)
    {
        var token = job.Token;
        int total;
        await using (var db = await dbFactory.CreateDbContextAsync(CancellationToken.None))
        {
            total = await PastEmailMatcher.Candidates(db, target.UserId).CountAsync(CancellationToken.None);
        }

        var key = target.RecordId.ToString(CultureInfo.InvariantCulture);
        int done = 0, linked = 0;
        job.Report(new PastEmailProgress(0, total, 0, false, false, false));
        try
        {
            await PastEmailMatcher.WalkAsync(dbFactory, target, async (matching, checkedCount) =>
            {
                foreach (var emailId in matching)
                {
                    // Each link is its own statement; an existing link is left alone, so a second run adds nothing.
                    await emails.LinkAsync(emailId, [(target.Kind, key)], CancellationToken.None);
                    linked++;
                }

                done += checkedCount;
                job.Report(new PastEmailProgress(Math.Min(done, Math.Max(total, done)), Math.Max(total, done), linked, false, false, false));
            }, token);
            job.Report(new PastEmailProgress(done, Math.Max(total, done), linked, true, false, false));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            job.Report(new PastEmailProgress(done, Math.Max(total, done), linked, true, true, false));
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            logger.LogError(ex, "Linking past e-mails to {Kind} {RecordId} failed after {Linked} links.", target.Kind, target.RecordId, linked);
            job.Report(new PastEmailProgress(done, Math.Max(total, done), linked, true, false, true));
        }

        if (linked > 0)
        {
            notifier.Publish([new RecordChange(target.Kind, key)]);
        }
    }
}

/// <summary>One link run: its progress (raised on every page) and a way to stop it.</summary>
public sealed class PastEmailJob
{
    private readonly CancellationTokenSource _stop = new();

    public PastEmailProgress Progress { get; private set; } = new(0, 0, 0, false, false, false);

    /// <summary>Raised on the job's thread after each page; subscribers marshal to their circuit.</summary>
    public event Action<PastEmailProgress>? Changed;

    internal Task Run { get; set; } = Task.CompletedTask;

    internal CancellationToken Token => _stop.Token;

    /// <summary>Completes when the run has ended (tests, shutdown).</summary>
    public Task Completion => Run;

    public void Stop() => _stop.Cancel();

    internal void Report(PastEmailProgress progress)
    {
        Progress = progress;
        Changed?.Invoke(progress);
    }
}
