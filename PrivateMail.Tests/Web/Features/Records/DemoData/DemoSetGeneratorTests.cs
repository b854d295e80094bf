using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Records;
using PrivateMail.Web.Features.Records.DemoData;

namespace PrivateMail.Tests.Web.Features.Records.DemoData;

public sealed class DemoSetGeneratorTests
{
    private static readonly DemoSet Set = DemoSetGenerator.Generate(7, DemoCounts.Default, owners: 4);

    [Fact]
    public void The_same_seed_gives_the_same_set_and_another_seed_another()
    {
        var again = DemoSetGenerator.Generate(7, DemoCounts.Default, owners: 4);
        var other = DemoSetGenerator.Generate(8, DemoCounts.Default, owners: 4);

        Assert.Equal(Set.Contacts, again.Contacts);
        Assert.Equal(Set.Tickets, again.Tickets);
        Assert.NotEqual(Set.Contacts, other.Contacts);
    }

    [Fact]
    public void Holds_the_requested_counts_with_valid_references_and_owners()
    {
        var counts = new DemoCounts(Accounts: 10, Contacts: 40, Leads: 5, Tickets: 14, TicketsWithMail: 6);

        var set = DemoSetGenerator.Generate(1, counts, owners: 3);

        Assert.Equal((10, 40, 5, 14), (set.Accounts.Count, set.Contacts.Count, set.Leads.Count, set.Tickets.Count));
        Assert.All(set.Contacts, c => Assert.True(c.Account is null || c.Account < 10));
        Assert.All(set.Tickets, t => Assert.True(t.Contact is null || t.Contact < 40));
        Assert.All(set.Messages, m => Assert.NotNull(set.Tickets[m.Ticket].Contact));
        Assert.All(set.Accounts.Select(a => a.Owner).Concat(set.Contacts.Select(c => c.Owner)), o => Assert.InRange(o, 0, 2));
    }

    [Fact]
    public void Every_ticket_status_has_tickets()
    {
        Assert.All(TicketStatuses.Defaults, s => Assert.Contains(Set.Tickets, t => t.Status == s.Name));
    }

    [Fact]
    public void Every_address_parses_and_contact_addresses_are_unique_in_any_case()
    {
        var addresses = Set.Contacts.Select(c => c.Email).Concat(Set.Leads.Select(l => l.Email)).Concat(Set.Accounts.Select(a => a.Email)).ToList();

        Assert.All(addresses, a => Assert.NotNull(EmailAddress.Normalise(a)));
        var contacts = Set.Contacts.Select(c => EmailAddress.Normalise(c.Email)).ToList();
        Assert.Equal(contacts.Count, contacts.Distinct().Count());
    }

    [Fact]
    public void Includes_polish_and_english_names_idn_domains_and_odd_case()
    {
        Assert.Contains(Set.Contacts, c => c.FirstName.Any(ch => "ąćęłńóśźżŁŚŻ".Contains(ch)) || c.LastName.Any(ch => "ąćęłńóśźżŁŚŻ".Contains(ch)));
        Assert.Contains(Set.Contacts, c => c.FirstName is "James" or "Emma" or "Oliver" or "Charlotte" or "George" or "Amelia");
        Assert.Contains(Set.Contacts, c => EmailAddress.Parse(c.Email)!.Domain.StartsWith("xn--", StringComparison.Ordinal));
        Assert.Contains(Set.Contacts, c => c.Email != c.Email.ToLowerInvariant());
    }

    [Fact]
    public void Conversations_start_with_the_customer_and_move_forward_in_time()
    {
        foreach (var conversation in Set.Messages.GroupBy(m => m.Ticket))
        {
            var messages = conversation.OrderBy(m => m.Step).ToList();
            Assert.True(messages[0].FromCustomer);
            Assert.Equal(messages.Select(m => m.AfterOpening).Order(), messages.Select(m => m.AfterOpening));
        }

        Assert.NotEmpty(Set.Messages);
    }
}
