using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Tests.Integration;

/// <summary>The scanner's batch lookup on a real SQLite file applies the binding policy in its queries.</summary>
public sealed class BindingLookupTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private AppServices _app = null!;
    private string _olga = "";
    private string _piotr = "";
    private int _olgasCompanyAccount;
    private int _olgasCustomerAccount;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = await AppServices.StartAsync(_database);
        await using (var db = await DbAsync())
        {
            // Olga's mailbox login was accepted by the server; Piotr typed a customer's address into My settings.
            var olga = new ApplicationUser { UserName = "olga", NormalizedUserName = "OLGA", Email = "olga@firma.example", SecurityStamp = "x" };
            var piotr = new ApplicationUser { UserName = "piotr", NormalizedUserName = "PIOTR", Email = "jan@customer.example", SecurityStamp = "x" };
            db.Users.AddRange(olga, piotr);
            var server = new MailServer { Name = "IMAP", ImapHost = "imap.firma.example" };
            db.MailServers.Add(server);
            await db.SaveChangesAsync(Ct);
            db.Mailboxes.Add(new Mailbox { OwnerId = olga.Id, Name = "Olga", MailServer = server, Login = "olga@firma.example", ProvenLogin = "olga@firma.example" });
            db.Mailboxes.Add(new Mailbox { OwnerId = piotr.Id, Name = "Piotr", MailServer = server, Login = "jan@customer.example" });
            await db.SaveChangesAsync(Ct);
            (_olga, _piotr) = (olga.Id, piotr.Id);
        }

        var records = new RecordFactory(_app.Services);
        _olgasCompanyAccount = await records.AccountAsync(_olga, "Us", website: "firma.example");
        _olgasCustomerAccount = await records.AccountAsync(_olga, "Customer", website: "customer.example");
        await records.AccountAsync(_piotr, "Piotr's customer", website: "customer.example");
        await records.ContactAsync(_piotr, "Jan", "Customer", "jan@customer.example");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _database.Dispose();
    }

    private Task<AppDbContext> DbAsync() => _app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(Ct);

    private static MessageSnapshot Mail(string from, string to) => new()
    {
        From = EmailAddress.Parse(from),
        To = [EmailAddress.Parse(to)!],
        Subject = "Hello",
    };

    private async Task<BatchRecordLookup> LoadAsync(string ownerId, params MessageSnapshot[] messages)
    {
        await using var db = await DbAsync();
        return await BatchRecordLookup.LoadAsync(db, messages, new HashSet<string>(), ownerId, Ct);
    }

    [Fact]
    public async Task Only_the_owners_records_are_found_and_the_company_domain_of_the_mailbox_logins_never_binds()
    {
        var lookup = await LoadAsync(_olga, Mail("jan@customer.example", "olga@firma.example"), Mail("boss@firma.example", "olga@firma.example"));

        Assert.Equal([$"{_olgasCustomerAccount}"], lookup.FindByDomain(SearchFields.AccountDomain, ["customer.example", "firma.example"]).Select(r => r.Id));
        Assert.Empty(lookup.FindContacts("jan@customer.example"));
        Assert.Equal([_olga], lookup.FindByEmail(SearchFields.UserEmail, ["olga@firma.example", "jan@customer.example"]).Select(r => r.Id));
    }

    [Fact]
    public async Task A_mailbox_login_the_server_accepted_is_a_users_address_and_an_address_typed_in_my_settings_or_an_unaccepted_login_is_not()
    {
        var lookup = await LoadAsync(_olga, Mail("jan@customer.example", "olga@firma.example"));

        Assert.True(lookup.IsUserAddress("olga@firma.example"));
        Assert.False(lookup.IsUserAddress("jan@customer.example"));
    }

    [Fact]
    public async Task The_administrators_our_domains_replace_the_default_and_an_empty_free_mail_list_lets_gmail_bind()
    {
        var records = new RecordFactory(_app.Services);
        var gmail = await records.AccountAsync(_olga, "Gmail", website: "gmail.com");
        await using (var db = await DbAsync())
        {
            db.BindingRuleSettings.Add(new BindingRuleSettings { FreeMailDomains = [], OurDomains = ["elsewhere.example"] });
            await db.SaveChangesAsync(Ct);
        }

        var lookup = await LoadAsync(_olga, Mail("boss@firma.example", "a@gmail.com"));

        Assert.Equal(new[] { $"{_olgasCompanyAccount}", $"{gmail}" }.Order(), lookup.FindByDomain(SearchFields.AccountDomain, ["firma.example", "gmail.com"]).Select(r => r.Id).Order());
    }

    [Fact]
    public async Task An_administrators_mailbox_binds_to_every_owners_records()
    {
        await using (var db = await DbAsync())
        {
            var adminRole = await db.Roles.Where(r => r.Name == PrivateMail.Web.Features.Security.Roles.Administrator).Select(r => r.Id).SingleAsync(Ct);
            db.UserRoles.Add(new Microsoft.AspNetCore.Identity.IdentityUserRole<string> { UserId = _olga, RoleId = adminRole });
            await db.SaveChangesAsync(Ct);
        }

        var lookup = await LoadAsync(_olga, Mail("jan@customer.example", "olga@firma.example"));

        Assert.Equal(2, lookup.FindByDomain(SearchFields.AccountDomain, ["customer.example"]).Count);
        Assert.Single(lookup.FindContacts("jan@customer.example"));
    }
}
