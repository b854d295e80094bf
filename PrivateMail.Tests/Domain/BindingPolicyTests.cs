using PrivateMail.Domain.Binding;
using PrivateMail.Domain.Scanning;

namespace PrivateMail.Tests.Domain;

/// <summary>Who a mailbox's mail may bind to, which domains never bind an account, and which addresses are a user's.</summary>
public sealed class BindingPolicyTests
{
    [Theory]
    [InlineData(RecordKind.Contact, "7", "owner", true)]
    [InlineData(RecordKind.Account, "7", "someone-else", false)]
    [InlineData(RecordKind.Lead, "7", null, false)]
    [InlineData(RecordKind.Ticket, "7", "someone-else", false)]
    [InlineData(RecordKind.User, "owner", null, true)]
    [InlineData(RecordKind.User, "colleague", null, false)]
    public void A_users_mailbox_binds_only_to_their_own_records(RecordKind kind, string id, string? recordOwner, bool allowed) =>
        Assert.Equal(allowed, new BindingScope("owner", OwnerSeesEverything: false).MayBind(kind, id, recordOwner));

    [Theory]
    [InlineData(RecordKind.Account, "7", "someone-else")]
    [InlineData(RecordKind.User, "colleague", null)]
    public void An_administrators_mailbox_binds_to_every_record_as_they_see_every_record(RecordKind kind, string id, string? recordOwner) =>
        Assert.True(new BindingScope("admin", OwnerSeesEverything: true).MayBind(kind, id, recordOwner));

    [Theory]
    [InlineData("gmail.com", true)]
    [InlineData("googlemail.com", true)]
    [InlineData("wp.pl", true)]
    [InlineData("o2.pl", true)]
    [InlineData("onet.pl", true)]
    [InlineData("interia.pl", true)]
    [InlineData("icloud.com", true)]
    [InlineData("proton.me", true)]
    [InlineData("gmx.de", true)]
    [InlineData("gmx.net", true)]
    [InlineData("gmx.co.uk", true)]
    [InlineData("mail.gmx.net", true)]
    [InlineData("hotmail.co.uk", true)]
    [InlineData("yahoo.fr", true)]
    [InlineData("firma.pl", true)]
    [InlineData("sales.firma.pl", true)]
    [InlineData("gmx-partner.com", false)]
    [InlineData("notgmail.com", false)]
    [InlineData("customer.example", false)]
    [InlineData("gmx.firma-klienta.pl", false)]
    [InlineData("firma.pl.evil.example", false)]
    [InlineData("mail.gmx.co.uk", true)]
    [InlineData("poczta.onet.pl", true)]
    [InlineData("gmx.company.uk", false)]
    [InlineData("xfirma.pl", false)]
    [InlineData("pl", false)]
    public void Free_mail_and_company_domains_never_bind_an_account(string domain, bool excluded) =>
        Assert.Equal(excluded, new DomainBindingRules(DomainBindingRules.DefaultFreeMailDomains, ["firma.pl"]).Excludes(domain));

    [Fact]
    public void An_administrator_may_empty_the_free_mail_list()
    {
        var rules = new DomainBindingRules([], []);

        Assert.False(rules.Excludes("gmail.com"));
    }

    [Theory]
    [InlineData("Gmail.COM", "gmail.com")]
    [InlineData("@wp.pl", "wp.pl")]
    [InlineData(" GMX.* ", "gmx.*")]
    [InlineData("*.pl", null)]
    [InlineData("gmx.de.*", null)]
    [InlineData("not a domain", null)]
    [InlineData("", null)]
    public void Entries_are_normalised_or_refused(string entry, string? expected) =>
        Assert.Equal(expected, DomainBindingRules.NormaliseEntry(entry));

    [Fact]
    public void The_company_domains_by_default_are_those_of_the_mailbox_addresses()
    {
        Assert.Equal(["firma.pl", "oddzial.firma.pl"], DomainBindingRules.DomainsOf(["Olga@Firma.pl", "piotr@firma.pl", "bob", null, "x@oddzial.firma.pl"]));
    }

    [Theory]
    [InlineData("olga@firma.pl", null, null, new[] { "olga@firma.pl" })]
    [InlineData(null, "Olga@Firma.pl", "olga@firma.pl", new[] { "olga@firma.pl" })]
    [InlineData("olga@firma.pl", "o.nowak@firma.pl", "o.nowak@firma.pl", new[] { "olga@firma.pl", "o.nowak@firma.pl" })]
    [InlineData(null, "customer@client.example", null, new string[0])]
    [InlineData(null, "customer@client.example", "olga@firma.pl", new string[0])]
    [InlineData(null, "olga", "olga", new string[0])]
    [InlineData(null, null, null, new string[0])]
    public void Only_an_administrators_address_and_an_accepted_mailbox_login_are_a_users(string? administratorSet, string? login, string? provenLogin, string[] expected) =>
        Assert.Equal(expected, ProvenAddresses.Of(administratorSet, login, provenLogin));
}
