using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.Records.Accounts;
using PrivateMail.Web.Features.Records.Contacts;

namespace PrivateMail.Tests.Security;

/// <summary>
/// Attack (issue 13, H1): a new user creates an account whose website is gmail.com — or the company's own domain, or a
/// contact with a customer's address — and waits for the scanner to bind every colleague's mail with a participant
/// there to it, attachments included. The scanner binds a mailbox's mail only to records its owner may see, and an
/// account's website never binds by a free-mail or company domain.
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed class AccountWithAPublicOrCompanyDomainTests(DovecotFixture dovecot) : IAsyncLifetime
{
    private HarvestScenario _scenario = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _scenario = await HarvestScenario.StartAsync(dovecot);

    public async ValueTask DisposeAsync() => await _scenario.DisposeAsync();

    [Fact]
    public async Task A_colleague_who_creates_accounts_for_gmail_and_the_company_domain_and_a_contact_for_a_customer_sees_none_of_the_mail()
    {
        // Bartek, as a new user would, through the services behind the Accounts and Contacts pages.
        int gmailAccount, companyAccount, customerContact;
        await using (var attacker = await _scenario.AsAsync(HarvestScenario.Attacker))
        {
            var accounts = attacker.Get<AccountService>();
            var gmail = await accounts.NewAsync();
            (gmail.Name, gmail.Website) = ("Everyone on Gmail", "https://www.gmail.com");
            gmailAccount = (await accounts.SaveAsync(null, gmail, Ct)).Id ?? throw new InvalidOperationException("Not saved.");
            var company = await accounts.NewAsync();
            (company.Name, company.Website) = ("Our company", "example.test");
            companyAccount = (await accounts.SaveAsync(null, company, Ct)).Id ?? throw new InvalidOperationException("Not saved.");
            var contacts = attacker.Get<ContactService>();
            var contact = await contacts.NewAsync();
            (contact.FirstName, contact.LastName, contact.Email) = ("Jan", "Customer", "jan@customer.example");
            customerContact = (await contacts.SaveAsync(null, contact, Ct)).Id ?? throw new InvalidOperationException("Not saved.");
        }

        // Anna's own account for the customer, so the scan demonstrably binds what it may.
        var annasAccount = await new RecordFactory(_scenario.App.Services).AccountAsync(_scenario.VictimId, "Customer Ltd", website: "customer.example");
        await _scenario.DeliverAsync("Private Friend <friend@gmail.com>", "gmail-7d1");
        await _scenario.DeliverAsync("Boss <boss@example.test>", "company-3a9");
        await _scenario.DeliverAsync("Jan Customer <jan@customer.example>", "customer-5c2");

        var run = await _scenario.ScanAsync();

        Assert.Equal(3, run.Stored);
        await using (var db = await _scenario.DbAsync())
        {
            var links = await db.EmailLinks.AsNoTracking().Select(l => new { l.RecordKind, l.RecordId }).ToListAsync(Ct);
            Assert.DoesNotContain(links, l => l.RecordKind == RecordKind.Account && (l.RecordId == $"{gmailAccount}" || l.RecordId == $"{companyAccount}"));
            Assert.DoesNotContain(links, l => l.RecordKind == RecordKind.Contact && l.RecordId == $"{customerContact}");
            Assert.DoesNotContain(links, l => l.RecordKind == RecordKind.User && l.RecordId == _scenario.AttackerId);
            Assert.Contains(links, l => l.RecordKind == RecordKind.Account && l.RecordId == $"{annasAccount}");
        }

        string[] markers = ["gmail-7d1", "company-3a9", "customer-5c2"];
        await _scenario.AssertAttackerSeesNothingAsync(markers, $"accounts/{gmailAccount}", $"accounts/{companyAccount}", $"contacts/{customerContact}");
        foreach (var marker in markers)
        {
            await _scenario.AssertVictimSeesItAsync(marker);
        }
    }

    [Fact]
    public async Task The_mailbox_owners_own_account_for_gmail_binds_none_of_her_gmail_correspondents()
    {
        var records = new RecordFactory(_scenario.App.Services);
        var gmail = await records.AccountAsync(_scenario.VictimId, "Gmail", website: "gmail.com");
        var customer = await records.AccountAsync(_scenario.VictimId, "Customer Ltd", website: "customer.example");
        await _scenario.DeliverAsync("Private Friend <friend@gmail.com>", "own-gmail-1b4");
        await _scenario.DeliverAsync("Jan Customer <jan@customer.example>", "own-customer-9e0");

        await _scenario.ScanAsync();

        await using var db = await _scenario.DbAsync();
        var (friendMail, _) = await _scenario.StoredAsync("own-gmail-1b4");
        var (customerMail, _) = await _scenario.StoredAsync("own-customer-9e0");
        Assert.False(await db.EmailLinks.AnyAsync(l => l.RecordKind == RecordKind.Account && l.RecordId == $"{gmail}", Ct));
        Assert.False(await db.EmailLinks.AnyAsync(l => l.EmailId == friendMail && l.RecordKind == RecordKind.Account, Ct));
        Assert.True(await db.EmailLinks.AnyAsync(l => l.EmailId == customerMail && l.RecordKind == RecordKind.Account && l.RecordId == $"{customer}", Ct));
    }
}
