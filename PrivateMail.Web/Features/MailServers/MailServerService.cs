using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Mail;
using PrivateMail.Web.Data;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Secrets;
using PrivateMail.Web.Features.Security;
using PrivateMail.Web.Mail;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.MailServers;

/// <summary>
/// Mail tools → Mail servers. Every call checks that the caller is an administrator: hiding the page is not enough.
/// The OAuth client secret is encrypted before it is stored and never leaves this service again.
/// </summary>
public sealed class MailServerService(
    IDbContextFactory<AppDbContext> dbFactory,
    CurrentUser currentUser,
    SecretProtector secrets,
    ImapConnector imap,
    IMailSender smtp,
    AttemptLimiter limiter,
    TimeProvider time,
    ILogger<MailServerService> logger)
{
    public async Task<IReadOnlyList<MailServerRow>> ListAsync(CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.MailServers.AsNoTracking()
            .Select(s => new MailServerRow(s.Id, s.Name, s.ImapHost, s.ImapPort, s.ImapSecurity, s.AuthMethod, s.IsActive, s.IsVisible, s.Mailboxes.Count))
            .ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.Name, StringComparer.CurrentCultureIgnoreCase).ToList();
    }

    /// <summary>The server for editing, or null when it does not exist. The client secret is not included.</summary>
    public async Task<MailServerModel?> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var server = await db.MailServers.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        return server is null ? null : new MailServerModel
        {
            Id = server.Id,
            Name = server.Name,
            IsActive = server.IsActive,
            IsVisible = server.IsVisible,
            ImapHost = server.ImapHost,
            ImapPort = server.ImapPort,
            ImapSecurity = server.ImapSecurity,
            ValidateCertificate = server.ValidateCertificate,
            SmtpHost = server.SmtpHost,
            SmtpPort = server.SmtpPort,
            SmtpSecurity = server.SmtpSecurity,
            ServerSavesSentMail = server.ServerSavesSentMail,
            AuthMethod = server.AuthMethod,
            OAuthProvider = server.OAuthProvider,
            OAuthClientId = server.OAuthClientId ?? "",
            HasClientSecret = !string.IsNullOrEmpty(server.OAuthClientSecretProtected),
            OAuthAuthorizeEndpoint = server.OAuthAuthorizeEndpoint ?? "",
            OAuthTokenEndpoint = server.OAuthTokenEndpoint ?? "",
            OAuthScopes = server.OAuthScopes ?? "",
        };
    }

    /// <summary>Validates everything (the form's checks again, plus uniqueness and the OAuth rules) and creates or updates.</summary>
    public async Task<MailServerSaveResult> SaveAsync(MailServerModel model, CancellationToken cancellationToken = default)
    {
        var userId = await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        MailServer? server = null;
        if (model.Id is { } id)
        {
            server = await db.MailServers.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
            if (server is null)
            {
                return new MailServerSaveResult(new Dictionary<string, string>(), Error: MailServerStrings.ServerNotFound);
            }
        }

        var errors = Validate(model, hasStoredSecret: !string.IsNullOrEmpty(server?.OAuthClientSecretProtected));
        var name = model.Name.Trim();
        // The column's NOCASE collation makes this comparison case-insensitive, as the unique index is.
        if (!errors.ContainsKey(nameof(model.Name)) && await db.MailServers.AnyAsync(s => s.Name == name && s.Id != (model.Id ?? 0), cancellationToken))
        {
            errors[nameof(model.Name)] = NameTaken(name);
        }

        if (errors.Count > 0)
        {
            return new MailServerSaveResult(errors);
        }

        var now = time.GetUtcNow();
        if (server is null)
        {
            server = new MailServer();
            db.MailServers.Add(server);
        }

        Apply(model, server, name);
        server.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (SqlDialect.For(db.Database).IsConstraintViolation(ex))
        {
            // Another administrator saved the same name a moment ago: the unique index is the last word.
            return new MailServerSaveResult(new Dictionary<string, string> { [nameof(model.Name)] = NameTaken(name) });
        }

        logger.LogInformation("Mail server {ServerId} ({Name}) {Action} by user {UserId}.", server.Id, server.Name, model.Id is null ? "created" : "updated", userId);
        return MailServerSaveResult.Saved(server.Id);
    }

    /// <summary>Deletes a server; refused while mailboxes use it (deactivating it is the alternative).</summary>
    public async Task<MailServerActionResult> DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        var userId = await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var server = await db.MailServers.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (server is null)
        {
            return new MailServerActionResult(MailServerStrings.ServerNotFound);
        }

        var mailboxes = await db.Mailboxes.CountAsync(m => m.MailServerId == id, cancellationToken);
        if (mailboxes > 0)
        {
            return InUse(server.Name, mailboxes);
        }

        db.MailServers.Remove(server);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (SqlDialect.For(db.Database).IsConstraintViolation(ex))
        {
            // A user connected a mailbox to it between the check and the delete; the foreign key refused.
            return InUse(server.Name, await db.Mailboxes.CountAsync(m => m.MailServerId == id, cancellationToken));
        }

        logger.LogInformation("Mail server {ServerId} ({Name}) deleted by user {UserId}.", server.Id, server.Name, userId);
        return MailServerActionResult.Ok;
    }

    /// <summary>Activates or deactivates a server. Users may connect a mailbox only to an active (and visible) one.</summary>
    public async Task<MailServerActionResult> SetActiveAsync(int id, bool active, CancellationToken cancellationToken = default)
    {
        var userId = await DemandAdministratorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var server = await db.MailServers.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (server is null)
        {
            return new MailServerActionResult(MailServerStrings.ServerNotFound);
        }

        server.IsActive = active;
        server.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Mail server {ServerId} ({Name}) {State} by user {UserId}.", server.Id, server.Name, active ? "activated" : "deactivated", userId);
        return MailServerActionResult.Ok;
    }

    /// <summary>
    /// Connects with the form's current values (saved or not) and, when a test login is given, signs in.
    /// Nothing is stored; the test password is used once and dropped.
    /// </summary>
    public async Task<ConnectionTestOutcome> TestConnectionAsync(MailServerModel model, string? login, string? password, CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        var errors = new Dictionary<string, string>();
        AddAttributeErrors(model, nameof(model.ImapHost), model.ImapHost, errors);
        AddAttributeErrors(model, nameof(model.ImapPort), model.ImapPort, errors);
        if (!Enum.IsDefined(model.ImapSecurity))
        {
            errors[nameof(model.ImapSecurity)] = MailServerStrings.ValidationChoice;
        }

        return await TestAsync("IMAP", HostNames.Normalise(model.ImapHost), model.ImapPort, model.ImapSecurity, model, login, password, errors, imap.TestAsync, cancellationToken);
    }

    /// <summary>
    /// Test SMTP: connects to the form's SMTP host and port with its security mode and certificate setting and, when a
    /// test login is given, authenticates (password; no mail is sent). Same precise failures as the IMAP test.
    /// </summary>
    public async Task<ConnectionTestOutcome> TestSmtpAsync(MailServerModel model, string? login, string? password, CancellationToken cancellationToken = default)
    {
        await DemandAdministratorAsync();
        var errors = new Dictionary<string, string>();
        if (string.IsNullOrWhiteSpace(model.SmtpHost))
        {
            errors[nameof(model.SmtpHost)] = Required(MailServerStrings.SmtpHost);
        }

        AddAttributeErrors(model, nameof(model.SmtpHost), model.SmtpHost, errors);
        AddAttributeErrors(model, nameof(model.SmtpPort), model.SmtpPort, errors);
        if (!Enum.IsDefined(model.SmtpSecurity))
        {
            errors[nameof(model.SmtpSecurity)] = MailServerStrings.ValidationChoice;
        }

        return await TestAsync("SMTP", HostNames.Normalise(model.SmtpHost), model.SmtpPort, model.SmtpSecurity, model, login, password, errors, smtp.TestAsync, cancellationToken);
    }

    /// <summary>The IMAP and SMTP tests after their own field checks: the test login, one connection, the outcome in words.</summary>
    private async Task<ConnectionTestOutcome> TestAsync(
        string protocol, string? host, int port, MailSecurity security, MailServerModel model, string? login, string? password,
        Dictionary<string, string> errors, Func<ImapEndpoint, ImapCredentials?, CancellationToken, Task<ConnectionResult>> test,
        CancellationToken cancellationToken)
    {
        if (errors.Count > 0)
        {
            return new ConnectionTestOutcome(Strings.FixErrors, null, errors);
        }

        ImapCredentials? credentials = null;
        if (!string.IsNullOrWhiteSpace(login))
        {
            if (string.IsNullOrEmpty(password))
            {
                return new ConnectionTestOutcome(MailServerStrings.TestPasswordMissing, null, new Dictionary<string, string>());
            }

            credentials = new ImapCredentials(login.Trim(), password);
        }

        // An administrator's test signs in too: limited like the Mailbox tab's (per user, and per login on the host), so an
        // administrator account cannot be used to guess a mailbox password, nor to knock on endless hosts and ports.
        var userId = await currentUser.GetRequiredIdAsync();
        var keys = credentials is null
            ? new[] { AttemptKeys.ConnectionByUser(userId) }
            : new[] { AttemptKeys.ConnectionByUser(userId), AttemptKeys.ConnectionToHostLogin(host!, credentials.Login) };
        if (!limiter.TryAcquire(keys))
        {
            logger.LogWarning("{Protocol} test to {Host}:{Port} by administrator {UserId}: refused, too many attempts.", protocol, host, port, userId);
            return new ConnectionTestOutcome(SecurityStrings.TooManyAttempts, null, new Dictionary<string, string>());
        }

        var endpoint = new ImapEndpoint(host!, port, security, model.ValidateCertificate);
        var result = await test(endpoint, credentials, cancellationToken);
        logger.LogInformation("{Protocol} test to {Host}:{Port} ({Security}, login given: {WithLogin}): {Outcome}.",
            protocol, endpoint.Host, endpoint.Port, endpoint.Security, credentials is not null, result.Failure?.ToString() ?? "succeeded");
        return new ConnectionTestOutcome(ConnectionMessages.Describe(result, endpoint), result, new Dictionary<string, string>());
    }

    /// <summary>The form's annotations and the rules between fields; uniqueness is checked against the database after.</summary>
    private static Dictionary<string, string> Validate(MailServerModel model, bool hasStoredSecret)
    {
        var errors = new Dictionary<string, string>();
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(model, new ValidationContext(model), results, validateAllProperties: true);
        foreach (var result in results)
        {
            foreach (var member in result.MemberNames)
            {
                errors.TryAdd(member, result.ErrorMessage ?? "");
            }
        }

        if (!Enum.IsDefined(model.ImapSecurity))
        {
            errors.TryAdd(nameof(model.ImapSecurity), MailServerStrings.ValidationChoice);
        }

        if (!Enum.IsDefined(model.SmtpSecurity))
        {
            errors.TryAdd(nameof(model.SmtpSecurity), MailServerStrings.ValidationChoice);
        }

        if (!Enum.IsDefined(model.AuthMethod))
        {
            errors.TryAdd(nameof(model.AuthMethod), MailServerStrings.ValidationChoice);
        }

        if (model.AuthMethod != MailAuthMethod.OAuth2)
        {
            return errors;
        }

        if (model.OAuthProvider is not { } provider || !Enum.IsDefined(provider))
        {
            errors.TryAdd(nameof(model.OAuthProvider), Required(MailServerStrings.OAuthProvider));
        }

        if (string.IsNullOrWhiteSpace(model.OAuthClientId))
        {
            errors.TryAdd(nameof(model.OAuthClientId), Required(MailServerStrings.ClientId));
        }

        if (string.IsNullOrWhiteSpace(model.OAuthClientSecret) && !hasStoredSecret)
        {
            errors.TryAdd(nameof(model.OAuthClientSecret), Required(MailServerStrings.ClientSecret));
        }

        if (model.OAuthProvider == OAuthProvider.Generic)
        {
            if (!OAuthProviderDefaults.IsAcceptableEndpoint(model.OAuthAuthorizeEndpoint))
            {
                errors.TryAdd(nameof(model.OAuthAuthorizeEndpoint), string.IsNullOrWhiteSpace(model.OAuthAuthorizeEndpoint)
                    ? Required(MailServerStrings.AuthorizeEndpoint)
                    : MailServerStrings.ValidationEndpoint);
            }

            if (!OAuthProviderDefaults.IsAcceptableEndpoint(model.OAuthTokenEndpoint))
            {
                errors.TryAdd(nameof(model.OAuthTokenEndpoint), string.IsNullOrWhiteSpace(model.OAuthTokenEndpoint)
                    ? Required(MailServerStrings.TokenEndpoint)
                    : MailServerStrings.ValidationEndpoint);
            }

            if (OAuthProviderDefaults.NormaliseScopes(model.OAuthScopes).Length == 0)
            {
                errors.TryAdd(nameof(model.OAuthScopes), Required(MailServerStrings.Scopes));
            }
        }

        return errors;
    }

    private static void AddAttributeErrors(MailServerModel model, string property, object? value, Dictionary<string, string> errors)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateProperty(value, new ValidationContext(model) { MemberName = property }, results))
        {
            errors.TryAdd(property, results[0].ErrorMessage ?? "");
        }
    }

    private void Apply(MailServerModel model, MailServer server, string name)
    {
        server.Name = name;
        server.IsActive = model.IsActive;
        server.IsVisible = model.IsVisible;
        server.ImapHost = HostNames.Normalise(model.ImapHost)!;
        server.ImapPort = model.ImapPort;
        server.ImapSecurity = model.ImapSecurity;
        server.ValidateCertificate = model.ValidateCertificate;
        server.SmtpHost = HostNames.Normalise(model.SmtpHost) ?? "";
        server.SmtpPort = model.SmtpPort;
        server.SmtpSecurity = model.SmtpSecurity;
        // Gmail and Microsoft 365 file sent mail themselves; an OAuth preset of theirs always does.
        server.ServerSavesSentMail = model.ServerSavesSentMail
            || (model.AuthMethod == MailAuthMethod.OAuth2 && model.OAuthProvider is OAuthProvider.Google or OAuthProvider.Microsoft);
        server.AuthMethod = model.AuthMethod;
        if (model.AuthMethod != MailAuthMethod.OAuth2)
        {
            // Nothing of an OAuth set-up is kept once the server no longer uses it, the secret least of all.
            server.OAuthProvider = null;
            server.OAuthClientId = null;
            server.OAuthClientSecretProtected = null;
            server.OAuthAuthorizeEndpoint = null;
            server.OAuthTokenEndpoint = null;
            server.OAuthScopes = null;
            return;
        }

        var generic = model.OAuthProvider == OAuthProvider.Generic;
        server.OAuthProvider = model.OAuthProvider;
        server.OAuthClientId = model.OAuthClientId.Trim();
        if (!string.IsNullOrWhiteSpace(model.OAuthClientSecret))
        {
            server.OAuthClientSecretProtected = secrets.Protect(model.OAuthClientSecret.Trim());
        }

        // Google and Microsoft have fixed endpoints and scopes (OAuthProviderDefaults): only a generic provider stores its own.
        server.OAuthAuthorizeEndpoint = generic ? model.OAuthAuthorizeEndpoint.Trim() : null;
        server.OAuthTokenEndpoint = generic ? model.OAuthTokenEndpoint.Trim() : null;
        server.OAuthScopes = generic ? OAuthProviderDefaults.NormaliseScopes(model.OAuthScopes) : null;
    }

    private static string Required(string field) => string.Format(CultureInfo.CurrentCulture, Strings.ValidationRequired, field);

    private static string NameTaken(string name) => string.Format(CultureInfo.CurrentCulture, MailServerStrings.ValidationNameTaken, name);

    private static MailServerActionResult InUse(string name, int mailboxes) =>
        new(string.Format(CultureInfo.CurrentCulture, MailServerStrings.DeleteRefusedInUse, name, mailboxes), InUse: true);

    private async Task<string> DemandAdministratorAsync()
    {
        var id = await currentUser.GetRequiredIdAsync();
        if (!await currentUser.IsAdministratorAsync())
        {
            throw new UnauthorizedAccessException("Administrators only.");
        }

        return id;
    }
}
