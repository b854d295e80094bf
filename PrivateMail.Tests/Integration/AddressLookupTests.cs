using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Mail;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Contacts;
using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Tests.Integration;

/// <summary>
/// Finding records by e-mail address and domain on a real SQLite file, in any case and IDN form (YetiForce #173): the
/// contacts page's search and the scanner's batch lookup (<see cref="BatchRecordLookup"/>), for a message from that address.
/// </summary>
public sealed class AddressLookupTests : PrivateMailTestContext, IAsyncLifetime
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
        var viaScanner = (await ScannerLookupAsync(address)).FindContacts(EmailAddress.Normalise(address)!);

        Assert.Equal(_contact, Assert.Single(viaPage).Id);
        Assert.Equal(_contact.ToString(CultureInfo.InvariantCulture), Assert.Single(viaScanner).Record.Id);
        Assert.Equal(_account.ToString(CultureInfo.InvariantCulture), Assert.Single(viaScanner).AccountId);
    }

    [Theory]
    [InlineData("ksiegarnia-zak.pl")]
    [InlineData("lukasz.zak@ksiegarnia.pl")]
    [InlineData("not an address")]
    public async Task Other_addresses_find_nothing(string address)
    {
        SignIn("olga", _owner);

        Assert.Empty(await Services.GetRequiredService<ContactService>().FindByEmailAsync(address));
        Assert.Empty((await ScannerLookupAsync(address)).FindContacts(EmailAddress.Normalise(address) ?? address));
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
        var lookup = await ScannerLookupAsync($"someone@{domain}");
        var found = lookup.FindByDomain(SearchFields.AccountDomain, [EmailAddress.Parse($"biuro@{domain}")!.Domain]);

        Assert.Equal(_account.ToString(CultureInfo.InvariantCulture), Assert.Single(found).Id);
    }

    [Fact]
    public async Task A_look_alike_domain_without_the_polish_letters_is_another_domain()
    {
        var lookup = await ScannerLookupAsync("biuro@ksiegarnia-zak.pl", "biuro@www.ksiegarnia-zak.pl");

        Assert.Empty(lookup.FindByDomain(SearchFields.AccountDomain, ["ksiegarnia-zak.pl", "www.ksiegarnia-zak.pl"]));
    }

    [Fact]
    public async Task Accounts_and_users_are_found_by_address_for_their_search_fields()
    {
        var lookup = await ScannerLookupAsync("Biuro@" + AsciiDomain.ToUpperInvariant(), "OLGA@Example.Test");

        var accounts = lookup.FindByEmail(SearchFields.AccountEmail, ["biuro@" + AsciiDomain]);
        var users = lookup.FindByEmail(SearchFields.UserEmail, [EmailAddress.Normalise("OLGA@Example.Test")!]);

        Assert.Equal(_account.ToString(CultureInfo.InvariantCulture), Assert.Single(accounts).Id);
        Assert.Equal(_owner, Assert.Single(users).Id);
    }

    /// <summary>The scanner's lookup for one message in Olga's mailbox from these addresses (unparsable ones left out).</summary>
    private async Task<BatchRecordLookup> ScannerLookupAsync(params string[] from)
    {
        var messages = from.Select(EmailAddress.Parse).OfType<EmailAddress>().Select(a => new MessageSnapshot { From = a, Subject = "Hello" }).ToList();
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        return await BatchRecordLookup.LoadAsync(db, messages, new HashSet<string>(), _owner, TestContext.Current.CancellationToken);
    }
}
