using System.Net;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Secrets;
using PrivateMail.Domain.Mail;

namespace PrivateMail.Tests.Faults;

/// <summary>
/// User B never gets user A's objects, over real HTTP, for every route of the running app — generated from its
/// endpoint table, so a new page or endpoint cannot be forgotten: a route with a parameter that has no entry in
/// <see cref="ParameterisedRoutes"/> fails the test. Each of A's objects carries a unique marker; A's own request to the
/// same address shows it (the control: the object exists and the prerendered page renders it), B's shows none of A's
/// markers. Every parameterless page is also fetched as B and must not carry any of A's markers either.
/// </summary>
public sealed class RouteAccessTests : IAsyncLifetime
{
    private const string Password = "Test-password-1";
    private readonly PrivateMailAppFactory _factory = new();
    private Objects _a = null!;

    /// <summary>How to reach A's object behind each parameterised route; <c>OwnerSees</c> false only where no object is named.</summary>
    private static readonly Dictionary<string, (Func<Objects, string> Url, bool OwnerSees)> ParameterisedRoutes = new(StringComparer.Ordinal)
    {
        ["/emails/{Id:int}"] = (o => $"/emails/{o.EmailId}", true),
        ["/attachments/{id:int}"] = (o => EmailEndpoints.AttachmentUrl(o.AttachmentId), true),
        ["/contacts/{Id:int}"] = (o => $"/contacts/{o.ContactId}", true),
        ["/contacts/{Id:int}/edit"] = (o => $"/contacts/{o.ContactId}/edit", true),
        ["/accounts/{Id:int}"] = (o => $"/accounts/{o.AccountId}", true),
        ["/accounts/{Id:int}/edit"] = (o => $"/accounts/{o.AccountId}/edit", true),
        ["/leads/{Id:int}"] = (o => $"/leads/{o.LeadId}", true),
        ["/leads/{Id:int}/edit"] = (o => $"/leads/{o.LeadId}/edit", true),
        ["/tickets/{Id:int}"] = (o => $"/tickets/{o.TicketId}", true),
        ["/tickets/{Id:int}/edit"] = (o => $"/tickets/{o.TicketId}/edit", true),
        // Mail servers belong to administrators (A is one); B, a plain user, must get neither the form nor its name.
        ["/admin/mail-servers/{Id:int}"] = (o => $"/admin/mail-servers/{o.MailServerId}", true),
        // The Mailbox tab names no id: it shows the caller's own mailbox, its scan history and its failed messages.
        ["/my-settings/{Tab}"] = (_ => "/my-settings/mailbox", true),
        // A module's slug, not an object: B must still see none of A's data there.
        ["/modules/{Slug}"] = (_ => "/modules/my-mail", false),
        // The static-file fallback: a path, not an object; tried with where the database lives by default.
        ["/{**path:file}"] = (_ => "/data/privatemail.db", false),
    };

    public async ValueTask InitializeAsync()
    {
        var alice = await _factory.CreateUserAsync("alice", Password, administrator: true);
        await _factory.CreateUserAsync("bob", Password, administrator: false);
        await _factory.Services.GetRequiredService<ModuleService>().SetEnabledAsync(CrmModule.MyMail, true, "test");
        _a = await Objects.CreateAsync(_factory.Services, alice.Id);
    }

    public async ValueTask DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task User_b_gets_none_of_user_as_objects_on_any_route_of_the_app()
    {
        var ct = TestContext.Current.CancellationToken;
        _ = _factory.BaseAddress;
        var routes = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(IsReachableByGet)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        var parameterised = routes.Where(r => r.Contains('{', StringComparison.Ordinal)).ToList();
        var plain = routes.Except(parameterised).ToList();

        var forgotten = parameterised.Except(ParameterisedRoutes.Keys).ToList();
        Assert.True(forgotten.Count == 0, "Routes with a parameter and no object of A's to try: " + string.Join(", ", forgotten)
            + ". Add each to ParameterisedRoutes with how to create A's object.");
        var stale = ParameterisedRoutes.Keys.Except(parameterised).ToList();
        Assert.True(stale.Count == 0, "ParameterisedRoutes lists routes the app no longer has: " + string.Join(", ", stale));
        Assert.Contains("/emails", plain);
        // Scanner settings (issue 15): administrators only; B, a plain user, must get none of A's markers there either.
        Assert.Contains("/admin/scanner-settings", plain);
        // My mail's client and compose page name no object: they act for the caller's own mailbox only.
        Assert.Contains("/my-mail", plain);
        Assert.Contains("/my-mail/compose", plain);
        // My mail's attachment download names its message by query (folder, uid, part), so it is swept as a plain route;
        // MyMailReadingTests checks it with a real message: the owner gets the bytes, another user 404.
        Assert.Contains(PrivateMail.Web.Features.MyMail.MyMailEndpoints.AttachmentPath, plain);

        using var alice = await _factory.CreateSignedInClientAsync("alice", Password);
        using var bob = await _factory.CreateSignedInClientAsync("bob", Password);
        var checkedUrls = new List<string>();
        foreach (var route in parameterised)
        {
            var (url, ownerSees) = ParameterisedRoutes[route];
            var address = url(_a);
            if (ownerSees)
            {
                var own = await GetAsync(alice, address, ct);
                foreach (var marker in _a.MarkersFor(route))
                {
                    Assert.True(own.Body.Contains(marker, StringComparison.Ordinal),
                        $"Control failed: A's own {address} ({own.Status}) does not show {marker}, so B's check would prove nothing.");
                }
            }

            var other = await GetAsync(bob, address, ct);
            AssertNoneOfAs(other, $"{route} as {address}");
            checkedUrls.Add(address);
        }

        foreach (var route in plain)
        {
            AssertNoneOfAs(await GetAsync(bob, route, ct), route);
            checkedUrls.Add(route);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{parameterised.Count} parameterised and {plain.Count} plain routes checked: {string.Join(" ", checkedUrls)}");
    }

    private void AssertNoneOfAs((HttpStatusCode Status, string Body) response, string what)
    {
        foreach (var marker in _a.AllMarkers)
        {
            Assert.False(response.Body.Contains(marker, StringComparison.Ordinal), $"B got A's {marker} from {what} ({(int)response.Status}).");
        }
    }

    /// <summary>Pages and GET endpoints; not the framework's own (Blazor hub, static files) nor POST-only ones.</summary>
    private static bool IsReachableByGet(RouteEndpoint endpoint)
    {
        var raw = endpoint.RoutePattern.RawText ?? "";
        if (raw.StartsWith("_", StringComparison.Ordinal) || raw.StartsWith("/_", StringComparison.Ordinal))
        {
            return false;
        }

        if (endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
        {
            return true;
        }

        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        // Static assets carry their file metadata; everything else mapped by the app counts.
        return endpoint.Metadata.Any(m => m.GetType().Name.Contains("StaticAsset", StringComparison.Ordinal)) is false
            && (methods is null || methods.Contains(HttpMethods.Get));
    }

    /// <summary>GET following redirects within the app (so B's redirect target is checked too).</summary>
    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string url, CancellationToken ct)
    {
        var address = new Uri(client.BaseAddress!, url.TrimStart('/'));
        var bodies = new List<string>();
        for (var hop = 0; hop < 5; hop++)
        {
            using var response = await client.GetAsync(address, ct);
            bodies.Add(await response.Content.ReadAsStringAsync(ct));
            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.MovedPermanently or HttpStatusCode.TemporaryRedirect)
                || response.Headers.Location is not { } location)
            {
                return (response.StatusCode, string.Join("\n", bodies));
            }

            address = new Uri(address, location);
            Assert.Equal(client.BaseAddress!.Authority, address.Authority);
        }

        throw new InvalidOperationException($"Too many redirects from {url}.");
    }

    /// <summary>One object of A's per kind, each with a marker no other object or page contains.</summary>
    private sealed record Objects(int EmailId, int AttachmentId, int ContactId, int AccountId, int LeadId, int TicketId, int MailboxId, int MailServerId, string Tag)
    {
        public string Email => $"Email-{Tag}";
        public string Attachment => $"Attachment-{Tag}";
        public string Contact => $"Contact-{Tag}";
        public string Account => $"Account-{Tag}";
        public string Lead => $"Lead-{Tag}";
        public string Ticket => $"Ticket-{Tag}";
        public string Mailbox => $"Mailbox-{Tag}";
        /// <summary>Servers are offered by name and IMAP host to every user choosing one; the SMTP host is for administrators only.</summary>
        public string Server => $"smtp.{Tag}.example";
        public string ScanError => $"ScanRun-{Tag}";
        public string FailedError => $"FailedMessage-{Tag}";

        public IEnumerable<string> AllMarkers => [Email, Attachment, Contact, Account, Lead, Ticket, Mailbox, Server, ScanError, FailedError, Tag];

        public IEnumerable<string> MarkersFor(string route) => route switch
        {
            _ when route.StartsWith("/emails", StringComparison.Ordinal) => [Email],
            _ when route.StartsWith("/attachments", StringComparison.Ordinal) => [Attachment],
            _ when route.StartsWith("/contacts", StringComparison.Ordinal) => [Contact],
            _ when route.StartsWith("/accounts", StringComparison.Ordinal) => [Account],
            _ when route.StartsWith("/leads", StringComparison.Ordinal) => [Lead],
            _ when route.StartsWith("/tickets", StringComparison.Ordinal) => [Ticket],
            _ when route.StartsWith("/admin/mail-servers", StringComparison.Ordinal) => [Server],
            // The Mailbox tab: the mailbox, its scan history and its failed messages.
            _ when route.StartsWith("/my-settings", StringComparison.Ordinal) => [Mailbox, ScanError, FailedError],
            _ => throw new InvalidOperationException("No marker for " + route),
        };

        public static async Task<Objects> CreateAsync(IServiceProvider services, string ownerId)
        {
            var tag = "a" + Guid.NewGuid().ToString("N")[..10];
            var make = new RecordFactory(services);
            var account = await make.AccountAsync(ownerId, $"Account-{tag}");
            var contact = await make.ContactAsync(ownerId, $"Contact-{tag}", "Tester", $"contact-{tag}@customer.example", account);
            var lead = await make.LeadAsync(ownerId, $"Lead-{tag}");
            var ticket = await make.TicketAsync(ownerId, $"Ticket-{tag}");
            var mailbox = await make.MailboxAsync(ownerId);
            var email = await make.EmailAsync(ownerId, $"Email-{tag}", mailboxId: mailbox, attachments:
                [new NewAttachment("notes.txt", "text/plain", new MemoryStream(System.Text.Encoding.UTF8.GetBytes($"Attachment-{tag}")))]);
            await make.LinkAsync(email, RecordKind.User, ownerId);

            var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            await using (db)
            {
                var row = await db.Mailboxes.Include(m => m.MailServer).SingleAsync(m => m.Id == mailbox);
                row.Name = $"Mailbox-{tag}";
                row.Login = $"login-{tag}";
                row.PasswordProtected = services.GetRequiredService<SecretProtector>().Protect("pw-" + tag);
                row.MailServer!.Name = "Shared server";
                row.MailServer.SmtpHost = $"smtp.{tag}.example";
                var now = DateTimeOffset.UtcNow;
                db.ScanRuns.Add(new ScanRun { MailboxId = mailbox, StartedAt = now, FinishedAt = now, Status = ScanRunStatus.Error, FirstError = $"ScanRun-{tag}" });
                db.FailedMessages.Add(new FailedMessage { MailboxId = mailbox, Folder = "INBOX", UidValidity = 1, Uid = 7, Error = $"FailedMessage-{tag}", Size = 10, FailedAt = now });
                await db.SaveChangesAsync();
                var attachment = await db.EmailAttachments.Where(a => a.EmailId == email).Select(a => a.Id).SingleAsync();
                return new Objects(email, attachment, contact, account, lead, ticket.Id, mailbox, row.MailServerId, tag);
            }
        }
    }
}
