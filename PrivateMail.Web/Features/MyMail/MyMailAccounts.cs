using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.OAuth;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MyMail;

/// <summary>The signed-in user's own mailbox as My mail uses it: its server's endpoints and the owner's details.</summary>
public sealed record MyMailAccount(Mailbox Mailbox, MailServer Server, ApplicationUser Owner)
{
    public int MailboxId => Mailbox.Id;

    public string OwnerId => Mailbox.OwnerId;

    public ImapEndpoint Imap => new(Server.ImapHost, Server.ImapPort, Server.ImapSecurity, Server.ValidateCertificate);

    /// <summary>Null when the server has no SMTP host.</summary>
    public ImapEndpoint? Smtp => string.IsNullOrWhiteSpace(Server.SmtpHost) ? null : new(Server.SmtpHost, Server.SmtpPort, Server.SmtpSecurity, Server.ValidateCertificate);

    /// <summary>The From address: the sender address when set, else the login when it is an address; null when neither.</summary>
    public string? SenderAddress =>
        EmailAddress.Parse(Mailbox.SenderAddress)?.Address ?? EmailAddress.Parse(Mailbox.Login)?.Address;
}

/// <summary>
/// Finds the caller's mailbox (by owner id only: no method takes a mailbox id) and opens IMAP sessions on it with its
/// credentials (renewing an OAuth token like the scanner does). Failures come back as localised <see cref="MyMailResult"/>s.
/// </summary>
public sealed class MyMailAccounts(
    IDbContextFactory<AppDbContext> dbFactory,
    ModuleService modules,
    MailboxCredentials credentials,
    IMailClient mail,
    ILogger<MyMailAccounts> logger)
{
    /// <summary>The user's mailbox with its server and owner, or why My mail cannot be used.</summary>
    public async Task<(MyMailAccount? Account, MyMailResult? Problem)> ResolveAsync(string userId, CancellationToken cancellationToken)
    {
        if (!modules.IsEnabled(CrmModule.MyMail))
        {
            return (null, Fail(MyMailProblem.ModuleDisabled, MyMailMessages.ModuleDisabled));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mailbox = await db.Mailboxes.AsNoTracking().Include(m => m.MailServer).Include(m => m.Owner)
            .SingleOrDefaultAsync(m => m.OwnerId == userId, cancellationToken);
        if (mailbox?.MailServer is null || mailbox.Owner is null)
        {
            return (null, Fail(MyMailProblem.NoMailbox, MyMailMessages.NoMailbox));
        }

        return (new MyMailAccount(mailbox, mailbox.MailServer, mailbox.Owner), null);
    }

    /// <summary>Logs in to the mailbox; the caller disposes the session.</summary>
    public async Task<(IMailClientSession? Session, MyMailResult? Problem)> OpenAsync(MyMailAccount account, CancellationToken cancellationToken)
    {
        var login = await credentials.GetAsync(account.Mailbox, cancellationToken);
        var (session, result) = await mail.OpenAsync(account.Imap, login, cancellationToken);
        return session is null ? (null, FromConnection(result, account.Imap)) : (session, null);
    }

    /// <summary>Runs <paramref name="work"/> in a fresh session: the resolved account, login, and the work's failures mapped to results.</summary>
    public async Task<MyMailResult<T>> RunAsync<T>(string userId, Func<MyMailAccount, IMailClientSession, Task<MyMailResult<T>>> work, CancellationToken cancellationToken)
    {
        var (account, problem) = await ResolveAsync(userId, cancellationToken);
        if (account is null)
        {
            return As<T>(problem!);
        }

        var (session, failed) = await OpenAsync(account, cancellationToken);
        if (session is null)
        {
            return As<T>(failed!);
        }

        await using (session)
        {
            try
            {
                return await work(account, session);
            }
            catch (Exception ex) when (MailFailures.IsNotFound(ex))
            {
                return As<T>(Fail(MyMailProblem.NotFound, MyMailMessages.NotFound));
            }
            catch (Exception ex) when (MailFailures.IsMailError(ex) && !cancellationToken.IsCancellationRequested)
            {
                logger.LogInformation(ex, "My mail: an IMAP operation on mailbox {MailboxId} failed.", account.MailboxId);
                return As<T>(FromConnection(MailFailures.Classify(ex, account.Imap), account.Imap));
            }
        }
    }

    /// <summary>A failed connection as the user reads it: authentication (password, expired sign-in) or the rest.</summary>
    public static MyMailResult FromConnection(ConnectionResult result, ImapEndpoint endpoint) => Fail(
        result.Failure is ConnectionFailure.AuthenticationFailed or ConnectionFailure.CredentialsUnavailable
            ? MyMailProblem.AuthenticationFailed
            : MyMailProblem.ConnectionFailed,
        ConnectionMessages.Describe(result, endpoint));

    public static MyMailResult Fail(MyMailProblem problem, string message, IReadOnlyDictionary<string, string>? fieldErrors = null) =>
        new() { Problem = problem, Message = message, FieldErrors = fieldErrors ?? new Dictionary<string, string>() };

    public static MyMailResult<T> As<T>(MyMailResult problem) =>
        new() { Problem = problem.Problem, Message = problem.Message, FieldErrors = problem.FieldErrors };

    public static MyMailResult<T> Ok<T>(T value) => new() { Value = value };

    public static string Format(string format, params object?[] args) => string.Format(CultureInfo.CurrentCulture, format, args);
}
