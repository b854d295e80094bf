using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.MySettings;
using PrivateMail.Web.Features.OAuth;
using PrivateMail.Web.Features.Secrets;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Mailboxes;

/// <summary>
/// The signed-in user's own private mailbox. The owner always comes from the server's authentication state:
/// no method takes a user id or a mailbox id, so a page cannot name someone else's mailbox.
/// </summary>
public sealed class MailboxService(
    IDbContextFactory<AppDbContext> dbFactory,
    CurrentUser currentUser,
    SecretProtector secrets,
    ImapConnector imap,
    MailboxCredentials credentials,
    AttemptLimiter limiter,
    TimeProvider time,
    UserTimeProvider clock,
    ModuleService modules,
    ILogger<MailboxService> logger)
{
    private const int NameMaxLength = 100;
    private const int LoginMaxLength = 320;
    private const int ImportSinceDefaultDays = 30;

    /// <summary>The user's mailbox, or null when they have none. The password is never returned.</summary>
    public async Task<MailboxModel?> GetAsync(CancellationToken cancellationToken = default)
    {
        modules.Demand(CrmModule.MyMail);
        var userId = await currentUser.GetRequiredIdAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mailbox = await db.Mailboxes.AsNoTracking().SingleOrDefaultAsync(m => m.OwnerId == userId, cancellationToken);
        if (mailbox is null)
        {
            return null;
        }

        await clock.ReloadAsync(cancellationToken);
        return new MailboxModel
        {
            Exists = true,
            Name = mailbox.Name,
            MailServerId = mailbox.MailServerId,
            Login = mailbox.Login,
            SenderAddress = mailbox.SenderAddress ?? "",
            HasPassword = !string.IsNullOrEmpty(mailbox.PasswordProtected),
            Status = mailbox.Status,
            StoredStatus = mailbox.Status,
            LastError = mailbox.LastError,
            LastErrorAt = mailbox.LastErrorAt is { } at ? clock.ToLocal(at) : null,
            Folders = [.. mailbox.Folders],
            Actions = mailbox.Actions,
            SearchFields = [.. mailbox.SearchFields],
            EmailExceptions = [.. mailbox.EmailExceptions],
            DomainExceptions = [.. mailbox.DomainExceptions],
            ImportSince = mailbox.ImportSince.ToDateTime(TimeOnly.MinValue),
            OAuthServerId = mailbox.MailServerId,
            OAuthSignedIn = mailbox.OAuthRefreshTokenProtected is not null || mailbox.OAuthAccessTokenProtected is not null,
            OAuthAccount = mailbox.OAuthAccount,
            OAuthExpiresAt = mailbox.OAuthExpiresAt is { } expires ? clock.ToLocal(expires) : null,
        };
    }

    /// <summary>What a new mailbox starts with: INBOX, Create + Bind, every search field, mail of the last 30 days.</summary>
    public async Task<MailboxModel> CreateDefaultAsync(CancellationToken cancellationToken = default)
    {
        modules.Demand(CrmModule.MyMail);
        var userId = await currentUser.GetRequiredIdAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == userId, cancellationToken);
        await clock.ReloadAsync(cancellationToken);
        var servers = await OfferedServers(db).Select(s => s.Id).Take(2).ToListAsync(cancellationToken);
        return new MailboxModel
        {
            Name = string.Format(CultureInfo.CurrentCulture, MailboxStrings.DefaultName, user.DisplayName),
            // With a single server there is nothing to choose.
            MailServerId = servers.Count == 1 ? servers[0] : null,
            Login = user.Email ?? "",
            ImportSince = clock.Today.AddDays(-ImportSinceDefaultDays).ToDateTime(TimeOnly.MinValue),
        };
    }

    /// <summary>Active and visible servers, plus the mailbox's current server if it has since been withdrawn (flagged).</summary>
    public async Task<IReadOnlyList<SelectableServer>> GetSelectableServersAsync(CancellationToken cancellationToken = default)
    {
        modules.Demand(CrmModule.MyMail);
        var userId = await currentUser.GetRequiredIdAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var currentId = await db.Mailboxes.Where(m => m.OwnerId == userId).Select(m => (int?)m.MailServerId).SingleOrDefaultAsync(cancellationToken);
        var servers = await db.MailServers.AsNoTracking()
            .Where(s => (s.IsActive && s.IsVisible) || s.Id == currentId)
            .Select(s => new SelectableServer(s.Id, s.Name, s.ImapHost, s.AuthMethod, s.OAuthProvider, s.IsActive && s.IsVisible))
            .ToListAsync(cancellationToken);
        return servers.OrderBy(s => s.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
    }

    /// <summary>Validates everything the form cannot be trusted with and saves the user's mailbox (creating it on first save).</summary>
    public async Task<SaveResult> SaveAsync(MailboxModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        modules.Demand(CrmModule.MyMail);
        var userId = await currentUser.GetRequiredIdAsync();
        try
        {
            return await SaveCoreAsync(userId, model, cancellationToken);
        }
        catch (DbUpdateException)
        {
            if (!await HasMailboxAsync(userId, cancellationToken))
            {
                throw;
            }

            // Two tabs created the mailbox at once and the unique owner index refused the second: save over the first.
            return await SaveCoreAsync(userId, model, cancellationToken);
        }
    }

    /// <summary>Connects with the form's server and login, and the typed password or, when none is typed, the stored one.</summary>
    public async Task<MailboxConnectionCheck> TestConnectionAsync(MailboxModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var target = await ResolveConnectionAsync(model, cancellationToken);
        if (target.Error is { } error)
        {
            return new MailboxConnectionCheck(false, error);
        }

        if (!Admit(target, "test connection"))
        {
            return new MailboxConnectionCheck(false, SecurityStrings.TooManyAttempts);
        }

        var result = await imap.TestAsync(target.Endpoint!, target.Credentials, cancellationToken);
        if (!result.Succeeded)
        {
            return new MailboxConnectionCheck(false, ConnectionMessages.Describe(result, target.Endpoint!));
        }

        if (target.MailboxId is { } mailboxId && target.Credentials is { } accepted)
        {
            // The server accepted the saved login: it is the owner's address from now on.
            await ProvenLogins.RecordAsync(dbFactory, mailboxId, accepted.Login, cancellationToken);
        }

        return new MailboxConnectionCheck(true, target.Credentials switch
        {
            { IsOAuth: true } oauth => string.Format(CultureInfo.CurrentCulture, OAuthStrings.TestSignedIn, oauth.Login),
            { } password => string.Format(CultureInfo.CurrentCulture, MailboxStrings.TestSignedIn, password.Login),
            null => string.Format(CultureInfo.CurrentCulture, OAuthStrings.TestNotSignedIn, target.Endpoint!.Host),
        });
    }

    /// <summary>Lists the server's folders with the form's server and credentials (typed or stored password).</summary>
    public async Task<MailboxFolderList> LoadFoldersAsync(MailboxModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var target = await ResolveConnectionAsync(model, cancellationToken);
        if (target.Error is { } error)
        {
            return new MailboxFolderList(false, error, []);
        }

        if (target.Credentials is null)
        {
            return new MailboxFolderList(false, OAuthStrings.FoldersNeedSignIn, []);
        }

        if (!Admit(target, "load folders"))
        {
            return new MailboxFolderList(false, SecurityStrings.TooManyAttempts, []);
        }

        var result = await imap.ListFoldersAsync(target.Endpoint!, target.Credentials, cancellationToken);
        return result.Connection.Succeeded
            ? new MailboxFolderList(true, null, FolderTree.Order(result.Folders))
            : new MailboxFolderList(false, ConnectionMessages.Describe(result.Connection, target.Endpoint!), []);
    }

    /// <summary>
    /// The preview's connection: the form's server and credentials resolved as for Test connection, and admitted by the
    /// same attempt limit. The mailbox id is the saved mailbox's (what is stored already counts as stored), or null.
    /// </summary>
    public async Task<Scanner.Preview.PreviewTarget> ResolvePreviewAsync(MailboxModel model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        var target = await ResolveConnectionAsync(model, cancellationToken);
        var error = target.Error ?? (target.Credentials is null ? OAuthStrings.FoldersNeedSignIn : null);
        if (error is null && !Admit(target, "preview"))
        {
            error = SecurityStrings.TooManyAttempts;
        }

        if (error is not null)
        {
            return new Scanner.Preview.PreviewTarget(null, null, "", null, error);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var savedId = await db.Mailboxes.Where(m => m.OwnerId == target.UserId).Select(m => (int?)m.Id).SingleOrDefaultAsync(cancellationToken);
        return new Scanner.Preview.PreviewTarget(target.Endpoint, target.Credentials, target.UserId, savedId, null);
    }

    private async Task<SaveResult> SaveCoreAsync(string userId, MailboxModel model, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mailbox = await db.Mailboxes.SingleOrDefaultAsync(m => m.OwnerId == userId, cancellationToken);
        await clock.ReloadAsync(cancellationToken);
        var errors = new Dictionary<string, string>();

        var name = model.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors[nameof(model.Name)] = Required(Strings.Name);
        }
        else if (name.Length > NameMaxLength)
        {
            errors[nameof(model.Name)] = TooLong(Strings.Name, NameMaxLength);
        }

        var server = model.MailServerId is { } serverId ? await FindUsableServerAsync(db, mailbox, serverId, cancellationToken) : null;
        if (server is null)
        {
            errors[nameof(model.MailServerId)] = model.MailServerId is null ? Required(MailboxStrings.Server) : MailboxStrings.ValidationServer;
        }

        var login = model.Login?.Trim() ?? "";
        var typedPassword = model.Password ?? "";
        if (login.Length > LoginMaxLength)
        {
            errors[nameof(model.Login)] = TooLong(MailboxStrings.Login, LoginMaxLength);
        }
        else if (server?.AuthMethod == MailAuthMethod.Password && login.Length == 0)
        {
            errors[nameof(model.Login)] = Required(MailboxStrings.Login);
        }

        var senderAddress = model.SenderAddress?.Trim() ?? "";
        if (senderAddress.Length > 0 && SenderAddressError(senderAddress, login) is { } senderError)
        {
            errors[nameof(model.SenderAddress)] = senderError;
        }

        // A blank password keeps the stored one; only the first save of a login/password mailbox must bring one.
        if (server?.AuthMethod == MailAuthMethod.Password && typedPassword.Length == 0 && string.IsNullOrEmpty(mailbox?.PasswordProtected))
        {
            errors[nameof(model.Password)] = Required(Strings.Password);
        }

        // Only the scanner lifts a lock, once it connects again; only a new password clears an unreadable one.
        var state = MailboxState.AfterOwnerSave(mailbox?.GetState(), model.Status, newSecret: typedPassword.Length > 0);
        if (!Enum.IsDefined(model.Status))
        {
            errors[nameof(model.Status)] = Required(Strings.Status);
        }
        else if (!state.Allowed)
        {
            errors[nameof(model.Status)] = MailboxStrings.ValidationStatus;
        }

        var folders = (model.Folders ?? []).Where(f => !string.IsNullOrWhiteSpace(f)).Distinct(StringComparer.Ordinal).ToList();
        if (folders.Count == 0)
        {
            errors[nameof(model.Folders)] = MailboxStrings.ValidationFolders;
        }
        else if (folders.Count > MailboxLimits.MaxFolders)
        {
            errors[nameof(model.Folders)] = string.Format(CultureInfo.CurrentCulture, PrivacyStrings.ValidationTooManyFolders, MailboxLimits.MaxFolders, folders.Count);
        }

        var knownActions = ScannerActionRules.InOrder.Aggregate(ScannerActions.None, (all, a) => all | a);
        if ((model.Actions & ~knownActions) != 0 || !ScannerActionRules.IsConsistent(model.Actions))
        {
            errors[nameof(model.Actions)] = MailboxStrings.ValidationActions;
        }

        var searchFields = model.SearchFields ?? [];
        if (searchFields.FirstOrDefault(k => SearchFields.Find(k) is null) is { } unknown)
        {
            errors[nameof(model.SearchFields)] = string.Format(CultureInfo.CurrentCulture, MailboxStrings.ValidationSearchField, unknown);
        }

        var emailExceptions = NormaliseAll(model.EmailExceptions, AddressRules.NormaliseAddress, out var badAddress);
        if (badAddress is not null)
        {
            errors[nameof(model.EmailExceptions)] = string.Format(CultureInfo.CurrentCulture, MailboxStrings.ValidationEmail, badAddress);
        }
        else if (emailExceptions.Count > MailboxLimits.MaxExceptionEntries)
        {
            errors[nameof(model.EmailExceptions)] = TooMany(emailExceptions.Count);
        }

        var domainExceptions = NormaliseAll(model.DomainExceptions, AddressRules.NormaliseDomain, out var badDomain);
        if (badDomain is not null)
        {
            errors[nameof(model.DomainExceptions)] = string.Format(CultureInfo.CurrentCulture, MailboxStrings.ValidationDomain, badDomain);
        }
        else if (domainExceptions.Count > MailboxLimits.MaxExceptionEntries)
        {
            errors[nameof(model.DomainExceptions)] = TooMany(domainExceptions.Count);
        }

        if (model.ImportSince is not { } since)
        {
            errors[nameof(model.ImportSince)] = Required(MailboxStrings.ImportSince);
        }
        else if (DateOnly.FromDateTime(since) > clock.Today)
        {
            errors[nameof(model.ImportSince)] = MailboxStrings.ValidationImportSinceFuture;
        }

        if (errors.Count > 0)
        {
            return new SaveResult(errors);
        }

        var now = time.GetUtcNow();
        var created = mailbox is null;
        mailbox ??= db.Mailboxes.Add(new Mailbox { OwnerId = userId }).Entity;
        mailbox.Name = name;
        if (mailbox.MailServerId != server!.Id)
        {
            // Tokens belong to the old server's provider and client: a new server needs a new sign-in.
            mailbox.OAuthAccessTokenProtected = null;
            mailbox.OAuthRefreshTokenProtected = null;
            mailbox.OAuthExpiresAt = null;
            mailbox.OAuthAccount = null;
        }

        mailbox.MailServerId = server.Id;
        mailbox.Login = login;
        mailbox.SenderAddress = senderAddress.Length == 0 ? null : EmailAddress.Parse(senderAddress)!.Address;
        if (typedPassword.Length > 0)
        {
            mailbox.PasswordProtected = secrets.Protect(typedPassword);
        }

        mailbox.Apply(state);
        mailbox.Folders = folders;
        mailbox.Actions = model.Actions;
        // Catalogue order, each once: what is stored does not depend on the order things were ticked.
        mailbox.SearchFields = SearchFields.All.Select(f => f.Key).Where(searchFields.Contains).ToList();
        mailbox.EmailExceptions = emailExceptions;
        mailbox.DomainExceptions = domainExceptions;
        mailbox.ImportSince = DateOnly.FromDateTime(model.ImportSince!.Value);
        mailbox.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Private mailbox {MailboxId} of user {UserId} {Action} (server {ServerId}, password {PasswordChange}).",
            mailbox.Id, userId, created ? "created" : "updated", server.Id, typedPassword.Length > 0 ? "replaced" : "kept");
        return SaveResult.Success;
    }

    private sealed record ConnectionTarget(ImapEndpoint? Endpoint, ImapCredentials? Credentials, string? Error)
    {
        public string UserId { get; init; } = "";
        public int ServerId { get; init; }
        /// <summary>The saved mailbox on the same server, whose login a successful test proves.</summary>
        public int? MailboxId { get; init; }
    }

    /// <summary>
    /// Both actions try a login and password on a mail server: limited per user and per target login, so the app cannot be
    /// used to guess a colleague's IMAP password. Every attempt is logged (never the password).
    /// </summary>
    private bool Admit(ConnectionTarget target, string action)
    {
        var login = target.Credentials?.Login ?? "";
        var admitted = limiter.TryAcquire(AttemptKeys.ConnectionByUser(target.UserId), AttemptKeys.ConnectionToLogin(target.ServerId, login));
        logger.LogInformation("Mailbox {Action} by user {UserId} on server {ServerId} as {Login}: {Admitted}.",
            action, target.UserId, target.ServerId, login, admitted ? "attempted" : "refused, too many attempts");
        return admitted;
    }

    private async Task<ConnectionTarget> ResolveConnectionAsync(MailboxModel model, CancellationToken cancellationToken)
    {
        // Test connection and Load folders both come through here.
        modules.Demand(CrmModule.MyMail);
        var userId = await currentUser.GetRequiredIdAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var mailbox = await db.Mailboxes.AsNoTracking().SingleOrDefaultAsync(m => m.OwnerId == userId, cancellationToken);
        var server = model.MailServerId is { } serverId ? await FindUsableServerAsync(db, mailbox, serverId, cancellationToken) : null;
        if (server is null)
        {
            return new ConnectionTarget(null, null, model.MailServerId is null ? MailboxStrings.FoldersNeedLogin : MailboxStrings.ValidationServer);
        }

        var endpoint = new ImapEndpoint(server.ImapHost, server.ImapPort, server.ImapSecurity, server.ValidateCertificate);
        var login = model.Login?.Trim() ?? "";
        if (server.AuthMethod == MailAuthMethod.OAuth2 && mailbox is not null && mailbox.MailServerId == server.Id
            && (mailbox.OAuthRefreshTokenProtected is not null || mailbox.OAuthAccessTokenProtected is not null))
        {
            // The stored sign-in, renewed if it is about to expire; the token stays on the server.
            return new ConnectionTarget(endpoint, await credentials.GetOAuthAsync(mailbox.Id, login, cancellationToken), null) { UserId = userId, ServerId = server.Id, MailboxId = mailbox.Id };
        }

        // The stored password is decrypted here, on the server, and goes only to the mail server.
        var password = string.IsNullOrEmpty(model.Password) ? secrets.Unprotect(mailbox?.PasswordProtected) : model.Password;
        if (login.Length > 0 && !string.IsNullOrEmpty(password))
        {
            return new ConnectionTarget(endpoint, new ImapCredentials(login, password), null) { UserId = userId, ServerId = server.Id, MailboxId = mailbox?.MailServerId == server.Id ? mailbox.Id : null };
        }

        return server.AuthMethod == MailAuthMethod.OAuth2
            ? new ConnectionTarget(endpoint, null, null) { UserId = userId, ServerId = server.Id }
            : new ConnectionTarget(null, null, MailboxStrings.FoldersNeedLogin);
    }

    /// <summary>An active and visible server, or the mailbox's current one (kept even after it was withdrawn).</summary>
    private static Task<MailServer?> FindUsableServerAsync(AppDbContext db, Mailbox? mailbox, int serverId, CancellationToken cancellationToken)
    {
        var currentId = mailbox?.MailServerId;
        return db.MailServers.AsNoTracking()
            .SingleOrDefaultAsync(s => s.Id == serverId && ((s.IsActive && s.IsVisible) || s.Id == currentId), cancellationToken);
    }

    private static IQueryable<MailServer> OfferedServers(AppDbContext db) => db.MailServers.Where(s => s.IsActive && s.IsVisible);

    private async Task<bool> HasMailboxAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Mailboxes.AnyAsync(m => m.OwnerId == userId, cancellationToken);
    }

    /// <summary>Each entry in comparison form, once, in the order typed; <paramref name="invalid"/> is the first refused entry.</summary>
    private static List<string> NormaliseAll(IEnumerable<string>? values, Func<string?, string?> normalise, out string? invalid)
    {
        invalid = null;
        var result = new List<string>();
        foreach (var value in values ?? [])
        {
            if (normalise(value) is { } normalised)
            {
                if (!result.Contains(normalised, StringComparer.Ordinal))
                {
                    result.Add(normalised);
                }
            }
            else
            {
                invalid ??= value;
            }
        }

        return result;
    }

    private static string TooMany(int count) =>
        string.Format(CultureInfo.CurrentCulture, PrivacyStrings.ValidationTooManyEntries, MailboxLimits.MaxExceptionEntries, count);
    /// <summary>
    /// A sender address belongs to the login when it is the login itself (an address login), or the login followed by
    /// @domain (a plain user name): the mailbox's owner can only ever send as the account they sign in with.
    /// </summary>
    internal static string? SenderAddressError(string senderAddress, string login)
    {
        if (EmailAddress.Parse(senderAddress) is not { } sender || ReplySenderHasControl(senderAddress))
        {
            return string.Format(CultureInfo.CurrentCulture, MailboxStrings.ValidationEmail, senderAddress);
        }

        var loginAddress = EmailAddress.Parse(login);
        var belongs = loginAddress is not null
            ? string.Equals(loginAddress.Normalised, sender.Normalised, StringComparison.Ordinal)
            : login.Length > 0 && string.Equals(sender.Address[..sender.Address.LastIndexOf('@')], login, StringComparison.OrdinalIgnoreCase);
        return belongs ? null : string.Format(CultureInfo.CurrentCulture, MyMailMessages.SenderAddressMismatch, login);
    }

    private static bool ReplySenderHasControl(string text) => text.Any(char.IsControl);

    private static string Required(string field) => string.Format(CultureInfo.CurrentCulture, Strings.ValidationRequired, field);

    private static string TooLong(string field, int max) => string.Format(CultureInfo.CurrentCulture, Strings.ValidationMaxLength, field, max);
}
