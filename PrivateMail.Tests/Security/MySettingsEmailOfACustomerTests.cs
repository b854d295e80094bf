using Microsoft.EntityFrameworkCore;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.MySettings;

namespace PrivateMail.Tests.Security;

/// <summary>
/// Attack (issue 13, H1): a user sets their own e-mail under My settings to a customer's address. Before, every mail of
/// that customer in any colleague's mailbox was linked to them as a user — and classified Sent, so no ticket was
/// created. Only proven addresses (the mailbox login the server accepted, or an address an administrator set) count.
/// </summary>
[Collection(DovecotCollection.Name)]
public sealed class MySettingsEmailOfACustomerTests(DovecotFixture dovecot) : IAsyncLifetime
{
    private HarvestScenario _scenario = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _scenario = await HarvestScenario.StartAsync(dovecot);

    public async ValueTask DisposeAsync() => await _scenario.DisposeAsync();

    [Fact]
    public async Task A_colleague_who_takes_a_customers_address_as_their_own_e_mail_gets_none_of_that_customers_mail_and_tickets_are_still_created()
    {
        await using (var attacker = await _scenario.AsAsync(HarvestScenario.Attacker))
        {
            var settings = attacker.Get<MySettingsService>();
            var model = await settings.GetAsync(Ct);
            model.Email = "Jan@Customer.example";
            var saved = await settings.SaveAsync(model, Ct);
            Assert.True(saved.Succeeded, string.Join("; ", saved.FieldErrors.Values));
        }

        await _scenario.DeliverAsync("Jan Customer <jan@customer.example>", "takeover-4f8");

        var run = await _scenario.ScanAsync();

        Assert.Equal((1, 1), (run.Stored, run.TicketsCreated));
        await using (var db = await _scenario.DbAsync())
        {
            var (emailId, _) = await _scenario.StoredAsync("takeover-4f8");
            var email = await db.Emails.AsNoTracking().SingleAsync(e => e.Id == emailId, Ct);
            Assert.Equal(MailType.Received, email.Type);
            Assert.False(await db.EmailLinks.AnyAsync(l => l.RecordKind == RecordKind.User && l.RecordId == _scenario.AttackerId, Ct));
            var ticket = await db.Tickets.AsNoTracking().SingleAsync(Ct);
            Assert.Equal(_scenario.VictimId, ticket.OwnerId);
            // The scan signed in with Anna's saved login: that login is now proven hers (not an address here, so it binds nothing).
            Assert.Equal(dovecot.Bob.Login, await db.Mailboxes.Where(m => m.Id == _scenario.MailboxId).Select(m => m.ProvenLogin).SingleAsync(Ct));
        }

        await _scenario.AssertAttackerSeesNothingAsync(["takeover-4f8"]);
        await _scenario.AssertVictimSeesItAsync("takeover-4f8");
    }

    [Fact]
    public async Task Mail_from_an_address_an_administrator_set_for_a_user_is_sent_mail_and_the_address_in_my_settings_is_not()
    {
        await using (var db = await _scenario.DbAsync())
        {
            // Anna's address as the administrator set it when creating her; her My settings e-mail now says something else.
            await db.Users.Where(u => u.Id == _scenario.VictimId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Email, "anna.private@elsewhere.example"), Ct);
        }

        await _scenario.DeliverAsync("Anna <anna@example.test>", "sent-2c7", to: "jan@customer.example");
        await _scenario.DeliverAsync("Anna <anna.private@elsewhere.example>", "unproven-8d3", to: "jan@customer.example");

        await _scenario.ScanAsync();

        await using var check = await _scenario.DbAsync();
        var types = await check.Emails.AsNoTracking().ToDictionaryAsync(e => e.MessageId!, e => e.Type, Ct);
        Assert.Equal(MailType.Sent, types["sent-2c7@mail.example"]);
        Assert.Equal(MailType.Received, types["unproven-8d3@mail.example"]);
    }
}
