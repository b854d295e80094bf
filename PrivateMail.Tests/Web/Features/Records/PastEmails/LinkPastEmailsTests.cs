using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Features.Records.Accounts;
using PrivateMail.Web.Features.Records.Contacts;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Records.Leads;
using PrivateMail.Web.Features.Records.PastEmails;

namespace PrivateMail.Tests.Web.Features.Records.PastEmails;

/// <summary>
/// Link past e-mails: the signed-in user's stored mailbox mail whose From, To or Cc matches a record's address (an
/// account's domain too, unless a free-mail domain) is linked in a background job with progress — only their own
/// mailboxes' mail and only records they may see; a second run adds nothing.
/// </summary>
public sealed class LinkPastEmailsTests : RecordsTestContext
{
    private PastEmailService Service => Services.GetRequiredService<PastEmailService>();

    private async Task<int> MailAsync(string ownerId, int? mailboxId, string from, string to = "olga@privatemail.example", string? cc = null)
    {
        var stored = await Services.GetRequiredService<EmailStore>().StoreAsync(new NewEmail
        {
            OwnerId = ownerId,
            Subject = "About " + from,
            From = EmailAddress.Parse(from),
            To = [EmailAddress.Parse(to)!],
            Cc = cc is null ? [] : [EmailAddress.Parse(cc)!],
            Date = DateTimeOffset.UtcNow.AddDays(-3),
            MessageId = $"{Guid.NewGuid():N}@test.example",
            MailboxId = mailboxId,
            Text = "Hello",
        });
        return stored.Id;
    }

    private async Task<List<int>> LinkedAsync(RecordKind kind, int id)
    {
        var key = id.ToString(CultureInfo.InvariantCulture);
        await using var db = await DbAsync();
        return await db.EmailLinks.Where(l => l.RecordKind == kind && l.RecordId == key).Select(l => l.EmailId).OrderBy(i => i).ToListAsync();
    }

    private async Task<PastEmailProgress> RunAsync(RecordKind kind, int id)
    {
        var job = await Service.StartAsync(kind, id);
        Assert.NotNull(job);
        await job.Completion;
        return job.Progress;
    }

    [Fact]
    public async Task A_contacts_address_in_from_to_or_cc_links_the_users_mailbox_mail_once_and_a_second_run_adds_nothing()
    {
        var contact = await Make.ContactAsync(Olga, "Jan", "Kowalski", "jan@x.pl");
        var mailbox = await Make.MailboxAsync(Olga);
        var fromJan = await MailAsync(Olga, mailbox, "Jan <jan@x.pl>");
        var toJan = await MailAsync(Olga, mailbox, "olga@privatemail.example", to: "\"Kowalski, Jan\" <JAN@X.PL>");
        var ccJan = await MailAsync(Olga, mailbox, "anna@y.pl", cc: "jan@x.pl");
        await MailAsync(Olga, mailbox, "anna@y.pl");
        await MailAsync(Olga, mailboxId: null, "jan@x.pl");
        var ewa = await CreateUserAsync("ewa");
        await MailAsync(ewa, await Make.MailboxAsync(ewa), "jan@x.pl");

        var first = await RunAsync(RecordKind.Contact, contact);

        Assert.Equal((3, 4, true, false), (first.Linked, first.Checked, first.Finished, first.Stopped));
        Assert.Equal([fromJan, toJan, ccJan], await LinkedAsync(RecordKind.Contact, contact));

        var second = await RunAsync(RecordKind.Contact, contact);

        Assert.Equal((0, 4, true), (second.Linked, second.Checked, second.Finished));
        Assert.Equal([fromJan, toJan, ccJan], await LinkedAsync(RecordKind.Contact, contact));
    }

    [Fact]
    public async Task An_account_links_by_its_domain_unless_it_is_a_free_mail_domain_and_a_lead_by_its_address()
    {
        var company = await Make.AccountAsync(Olga, "X Sp. z o.o.", website: "https://www.x.pl");
        var freeMail = await Make.AccountAsync(Olga, "Gmail user", email: "boss@gmail.com", website: "gmail.com");
        var lead = await Make.LeadAsync(Olga, "Lead Co", "lead@lead.example");
        var mailbox = await Make.MailboxAsync(Olga);
        var anna = await MailAsync(Olga, mailbox, "anna@x.pl");
        var piotr = await MailAsync(Olga, mailbox, "piotr@x.pl");
        var boss = await MailAsync(Olga, mailbox, "boss@gmail.com");
        await MailAsync(Olga, mailbox, "someone@gmail.com");
        var fromLead = await MailAsync(Olga, mailbox, "lead@lead.example");

        Assert.Equal(2, (await RunAsync(RecordKind.Account, company)).Linked);
        Assert.Equal(1, (await RunAsync(RecordKind.Account, freeMail)).Linked);
        Assert.Equal(1, (await RunAsync(RecordKind.Lead, lead)).Linked);

        Assert.Equal([anna, piotr], await LinkedAsync(RecordKind.Account, company));
        Assert.Equal([boss], await LinkedAsync(RecordKind.Account, freeMail));
        Assert.Equal([fromLead], await LinkedAsync(RecordKind.Lead, lead));
    }

    [Fact]
    public async Task Another_users_record_cannot_be_linked_and_a_record_without_address_offers_nothing()
    {
        var ewa = await CreateUserAsync("ewa");
        var hers = await Make.ContactAsync(ewa, "Jan", "Obcy", "jan@x.pl");
        var noAddress = await Make.ContactAsync(Olga, "No", "Address");
        await MailAsync(Olga, await Make.MailboxAsync(Olga), "jan@x.pl");

        Assert.Null(await Service.StartAsync(RecordKind.Contact, hers));
        Assert.Null(await Service.TargetAsync(RecordKind.Contact, noAddress));
        Assert.Empty(await LinkedAsync(RecordKind.Contact, hers));

        var page = Render<WithDialogs>(p => p.AddChildContent<ContactDetailPage>(c => c.Add(x => x.Id, noAddress)));
        page.WaitForAssertion(() => Assert.Equal("No Address", page.Find("#record-title").TextContent));
        Assert.Empty(page.FindAll("#link-past-emails"));
    }

    [Fact]
    public async Task A_new_contacts_page_offers_the_matching_mail_and_shows_the_runs_progress_to_the_end()
    {
        var contact = await Make.ContactAsync(Olga, "Jan", "Kowalski", "jan@x.pl");
        await using (var db = await DbAsync())
        {
            var row = await db.Contacts.SingleAsync(c => c.Id == contact);
            row.CreatedAt = DateTimeOffset.UtcNow;
            await db.SaveChangesAsync();
        }

        var mailbox = await Make.MailboxAsync(Olga);
        for (var i = 0; i < 3; i++)
        {
            await MailAsync(Olga, mailbox, "jan@x.pl");
        }

        await MailAsync(Olga, mailbox, "anna@y.pl");

        var page = Render<WithDialogs>(p => p.AddChildContent<ContactDetailPage>(c => c.Add(x => x.Id, contact)));

        page.WaitForAssertion(() => Assert.Contains("3 stored e-mails match — Link them?", page.Find("#link-past-emails-offer").TextContent));
        Assert.Contains("jan@x.pl", page.Find("#link-past-emails").TextContent);
        await page.Find("#link-past-emails-offer-yes").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Equal("Done: linked 3 of 4 checked e-mails.", page.Find("#link-past-emails-progress").TextContent.Trim()), Waits.Background);
        Assert.Empty(page.FindAll("#link-past-emails-offer"));
        Assert.Equal(3, (await LinkedAsync(RecordKind.Contact, contact)).Count);
    }

    [Fact]
    public async Task An_older_record_offers_nothing_by_itself_but_has_the_action_on_an_account()
    {
        var account = await Make.AccountAsync(Olga, "X", email: "office@x.pl");
        await MailAsync(Olga, await Make.MailboxAsync(Olga), "office@x.pl");

        var accountPage = Render<WithDialogs>(p => p.AddChildContent<AccountDetailPage>(c => c.Add(x => x.Id, account)));
        accountPage.WaitForElement("#link-past-emails-start");
        Assert.Empty(accountPage.FindAll("#link-past-emails-offer"));
        Assert.Equal("Link past e-mails", accountPage.Find("#link-past-emails-start").TextContent.Trim());
    }

    [Fact]
    public async Task A_leads_page_has_the_action()
    {
        var lead = await Make.LeadAsync(Olga, "Lead Co", "lead@lead.example");

        var leadPage = Render<WithDialogs>(p => p.AddChildContent<LeadDetailPage>(c => c.Add(x => x.Id, lead)));
        leadPage.WaitForElement("#link-past-emails-start");
        Assert.Contains("lead@lead.example", leadPage.Find("#link-past-emails").TextContent);
    }
}
