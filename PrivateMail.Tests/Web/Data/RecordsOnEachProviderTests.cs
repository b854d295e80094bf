using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data.Providers;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Contacts;

namespace PrivateMail.Tests.Web.Data;

/// <summary>
/// Records through the app's one record service path on each database engine: create, read, edit, delete, search in any
/// letter case of Polish letters, alphabetical order for the reader's language, and the case-insensitive unique names.
/// </summary>
public abstract class RecordsOnEachProviderTests : RecordsTestContext
{
    private ContactService Contacts => Services.GetRequiredService<ContactService>();

    [Fact]
    public async Task A_contact_is_created_read_changed_and_deleted()
    {
        var model = await Contacts.NewAsync();
        model.FirstName = "Zofia";
        model.LastName = "Wróbel";
        model.Email = "Zofia@Łódź.example";
        var saved = await Contacts.SaveAsync(null, model);
        Assert.True(saved.Succeeded);
        var id = saved.Id!.Value;

        var read = await Contacts.GetAsync(id);
        Assert.Equal(("Zofia", "Wróbel", Olga), (read!.FirstName, read.LastName, read.OwnerId));
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
        Assert.InRange(read.CreatedAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));

        var edit = (await Contacts.GetForEditAsync(id))!;
        edit.LastName = "Wróblewska";
        Assert.True((await Contacts.SaveAsync(id, edit)).Succeeded);
        Assert.Equal("Wróblewska", (await Contacts.GetAsync(id))!.LastName);

        Assert.True(await Contacts.DeleteAsync(id));
        Assert.Null(await Contacts.GetAsync(id));
    }

    [Theory]
    [InlineData("ŁÓDŹ")]
    [InlineData("łódź")]
    [InlineData("ŻAK łódź")]
    public async Task Search_finds_polish_letters_in_any_case(string search)
    {
        await Make.ContactAsync(Olga, "Łukasz", "Żak", "lukasz@ksiegarnia.example");
        await using (var db = await DbAsync())
        {
            // The city is part of what the search text holds, as a record's other fields are.
            var contact = await db.Contacts.SingleAsync(c => c.LastName == "Żak");
            contact.SearchText = SearchText.Build(contact.FirstName, contact.LastName, contact.Email, "Łódź");
            await db.SaveChangesAsync();
        }

        await Make.ContactAsync(Olga, "Anna", "Nowak", "anna@firma.example");

        var page = await Contacts.ListAsync(new GridRequest(Search: search));

        Assert.Equal(["Żak"], page.Items.Select(c => c.LastName));
    }

    [Theory]
    [InlineData("pl", new[] { "Adamski", "lewandowski", "Łuczak", "Zieliński", "Żak" })]
    [InlineData("en", new[] { "Adamski", "lewandowski", "Łuczak", "Żak", "Zieliński" })]
    public async Task Names_sort_alphabetically_for_the_readers_language(string culture, string[] expected)
    {
        foreach (var name in new[] { "Żak", "Zieliński", "Łuczak", "lewandowski", "Adamski" })
        {
            await Make.ContactAsync(Olga, "Anna", name);
        }

        UseCulture(culture);
        var page = await Contacts.ListAsync(new GridRequest());

        Assert.Equal(expected, page.Items.Select(c => c.LastName));
    }

    [Theory]
    [InlineData("anna")]
    [InlineData("NOWAK")]
    [InlineData("Anna@Firma")]
    public async Task Address_suggestions_find_a_contact_by_name_or_address_in_any_case(string typed)
    {
        await Make.ContactAsync(Olga, "Anna", "Nowak", "anna@firma.example");
        await Make.ContactAsync(Olga, "Jan", "Kowalski", "jan@sklep.example");

        var found = await Services.GetRequiredService<PrivateMail.Web.Features.MyMail.IMyMailSender>().SuggestAddressesAsync(typed);

        Assert.Equal(["anna@firma.example"], found.Select(s => s.Address));
    }

    [Fact]
    public async Task Ticket_status_names_are_unique_whatever_their_case()
    {
        await using var db = await DbAsync();
        db.TicketStatuses.Add(new PrivateMail.Web.Data.TicketStatus { Name = "CLOSED", SortOrder = 99 });

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());

        Assert.True(SqlDialect.For(db.Database).IsConstraintViolation(error));
    }
}

public sealed class SqliteRecordsTests : RecordsOnEachProviderTests;

public sealed class PostgreSqlRecordsTests : RecordsOnEachProviderTests
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;
}
