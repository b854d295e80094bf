using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Contacts;

namespace PrivateMail.Tests.Integration;

/// <summary>Finding records by e-mail address and domain on a real SQLite file, in any case and IDN form (YetiForce #173).</summary>
public sealed class RecordLookupTests : PrivateMailTestContext, IAsyncLifetime
{
    private static readonly string AsciiDomain = new IdnMapping().GetAscii("księgarnia-żak.pl");
    private string _owner = "";
    private int _contact;
    private int _account;

    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync();
        _owner = await CreateUserAsync("olga");
        var make = new RecordFactory(Services);
        _account = await make.AccountAsync(_owner, "Księgarnia Żak", "Biuro@Księgarnia-Żak.PL", "https://www.Księgarnia-Żak.pl/kontakt");
        _contact = await make.ContactAsync(_owner, "Łukasz", "Żak", "Lukasz.Zak@Księgarnia-Żak.pl", _account, secondaryEmail: "LZAK@Poczta.Example");
        await make.ContactAsync(_owner, "Anna", "Nowak", "anna@inna.example");
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    public static TheoryData<string> SpellingsOfTheContactsAddress => new()
    {
        "lukasz.zak@księgarnia-żak.pl",
        "LUKASZ.ZAK@KSIĘGARNIA-ŻAK.PL",
        $"lukasz.zak@{AsciiDomain}",
        $"Lukasz.Zak@{AsciiDomain.ToUpperInvariant()}",
        "\"Żak, Łukasz\" <Lukasz.Zak@Księgarnia-Żak.pl>",
        "  <lukasz.zak@księgarnia-żak.pl>  ",
        "lzak@poczta.example",
    };

    [Theory]
    [MemberData(nameof(SpellingsOfTheContactsAddress))]
    public async Task The_contact_is_found_by_any_case_and_idn_form_of_its_address(string address)
    {
        SignIn("olga", _owner);

        var viaPage = await Services.GetRequiredService<ContactService>().FindByEmailAsync(address);
        var viaScanner = await Services.GetRequiredService<RecordLookup>().FindContactsAsync(address);

        Assert.Equal(_contact, Assert.Single(viaPage).Id);
        Assert.Equal(_contact.ToString(CultureInfo.InvariantCulture), Assert.Single(viaScanner).Id);
        Assert.Equal(_account, Assert.Single(viaScanner).AccountId);
    }

    [Theory]
    [InlineData("ksiegarnia-zak.pl")]
    [InlineData("lukasz.zak@ksiegarnia.pl")]
    [InlineData("not an address")]
    public async Task Other_addresses_find_nothing(string address)
    {
        SignIn("olga", _owner);

        Assert.Empty(await Services.GetRequiredService<ContactService>().FindByEmailAsync(address));
        Assert.Empty(await Services.GetRequiredService<RecordLookup>().FindContactsAsync(address));
    }

    [Fact]
    public async Task A_user_who_does_not_own_the_contact_does_not_find_it_on_the_pages()
    {
        var ben = await CreateUserAsync("ben");
        SignIn("ben", ben);

        Assert.Empty(await Services.GetRequiredService<ContactService>().FindByEmailAsync("lukasz.zak@księgarnia-żak.pl"));
    }

    public static TheoryData<string> SpellingsOfTheAccountsDomain => new() { "księgarnia-żak.pl", "KSIĘGARNIA-ŻAK.PL", AsciiDomain, AsciiDomain.ToUpperInvariant() };

    [Theory]
    [MemberData(nameof(SpellingsOfTheAccountsDomain))]
    public async Task The_account_is_found_by_the_domain_of_its_website(string domain)
    {
        var found = await Services.GetRequiredService<RecordLookup>().FindAccountsByDomainAsync([domain]);

        Assert.Equal(_account.ToString(CultureInfo.InvariantCulture), Assert.Single(found).Id);
    }

    [Fact]
    public async Task A_look_alike_domain_without_the_polish_letters_is_another_domain()
    {
        Assert.Empty(await Services.GetRequiredService<RecordLookup>().FindAccountsByDomainAsync(["ksiegarnia-zak.pl", "www.ksiegarnia-zak.pl"]));
    }

    [Fact]
    public async Task Accounts_and_users_are_found_by_address_for_their_search_fields()
    {
        var lookup = Services.GetRequiredService<RecordLookup>();

        var accounts = await lookup.FindByEmailAsync(SearchFields.AccountEmail, ["biuro@" + AsciiDomain]);
        var users = await lookup.FindByEmailAsync(SearchFields.UserEmail, ["OLGA@Example.Test"]);

        Assert.Equal(_account.ToString(CultureInfo.InvariantCulture), Assert.Single(accounts).Id);
        Assert.Equal(_owner, Assert.Single(users).Id);
    }
}
