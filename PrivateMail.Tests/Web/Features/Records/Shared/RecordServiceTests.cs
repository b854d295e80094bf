using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Records;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Accounts;
using PrivateMail.Web.Features.Records.Leads;
using PrivateMail.Web.Resources;

namespace PrivateMail.Tests.Web.Features.Records.Shared;

/// <summary>
/// The one record path (<c>RecordService</c>) through the two kinds that have no pages tests of their own, accounts and
/// leads: create, read, list, change, delete, the owner's isolation from another user, the server-side checks, and the
/// times the save interceptor stamps from the app's clock.
/// </summary>
public sealed class RecordServiceTests : RecordsTestContext
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);
    private readonly ManualClock _clock = new(Start);

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(_clock);

    private AccountService Accounts => Services.GetRequiredService<AccountService>();

    private LeadService Leads => Services.GetRequiredService<LeadService>();

    [Fact]
    public async Task An_account_is_created_listed_changed_and_deleted_with_its_email_links()
    {
        var model = await Accounts.NewAsync();
        Assert.Equal(Olga, model.OwnerId);
        model.Name = " Księgarnia Żak ";
        model.Email = "Biuro@Księgarnia-Żak.PL";
        model.Website = "https://www.Księgarnia-Żak.pl/kontakt";
        var created = await Accounts.SaveAsync(null, model);
        Assert.True(created.Succeeded);
        var id = created.Id!.Value;

        var details = await Accounts.GetAsync(id);
        Assert.Equal(("Księgarnia Żak", "Olga Tester", Start, Start), (details!.Name, details.Owner, details.CreatedAt, details.ModifiedAt));
        var row = Assert.Single((await Accounts.ListAsync(new GridRequest(Search: "żak"))).Items);
        Assert.Equal(("księgarnia-żak.pl", Start), (row.Domain, row.ModifiedAt));

        _clock.Advance(TimeSpan.FromHours(2));
        var edit = await Accounts.GetForEditAsync(id);
        Assert.Equal("https://www.Księgarnia-Żak.pl/kontakt", edit!.Website);
        edit.Phone = " +48 600 100 200 ";
        Assert.True((await Accounts.SaveAsync(id, edit)).Succeeded);
        details = await Accounts.GetAsync(id);
        Assert.Equal(("+48 600 100 200", Start, Start.AddHours(2)), (details!.Phone, details.CreatedAt, details.ModifiedAt));

        var email = await Make.EmailAsync(Olga, "Order");
        await Make.LinkAsync(email, RecordKind.Account, id);
        Assert.True(await Accounts.DeleteAsync(id));
        Assert.Null(await Accounts.GetAsync(id));
        Assert.False(await Accounts.DeleteAsync(id));
        await using var db = await DbAsync();
        Assert.False(await db.EmailLinks.AnyAsync(l => l.RecordKind == RecordKind.Account));
        Assert.True(await db.Emails.AnyAsync(e => e.Id == email));
    }

    [Fact]
    public async Task Another_user_can_neither_see_change_nor_delete_the_owners_account_or_lead()
    {
        var ben = await CreateUserAsync("ben");
        var account = await Make.AccountAsync(Olga, "Firma");
        var lead = await Make.LeadAsync(Olga, "Prospekt");

        SignIn("ben", ben);

        Assert.Empty((await Accounts.ListAsync(new GridRequest())).Items);
        Assert.Null(await Accounts.GetAsync(account));
        Assert.Null(await Accounts.GetForEditAsync(account));
        var saved = await Accounts.SaveAsync(account, new AccountModel { Name = "Taken", OwnerId = ben });
        Assert.Equal(RecordStrings.RecordGone, Assert.Single(saved.FieldErrors, e => e.Key == "").Value);
        Assert.False(await Accounts.DeleteAsync(account));
        Assert.Empty((await Leads.ListAsync(new GridRequest())).Items);
        Assert.Null(await Leads.GetForEditAsync(lead));
        Assert.False((await Leads.SaveAsync(lead, new LeadModel { Company = "Taken", OwnerId = ben })).Succeeded);
        Assert.False(await Leads.DeleteAsync(lead));

        SignIn("olga", Olga);
        Assert.Equal("Firma", (await Accounts.GetAsync(account))!.Name);
        Assert.Equal("Prospekt", (await Leads.GetAsync(lead))!.Company);
    }

    [Fact]
    public async Task The_server_checks_what_a_crafted_form_could_skip()
    {
        var ben = await CreateUserAsync("ben");
        var result = await Leads.SaveAsync(null, new LeadModel { Company = "", Status = (LeadStatus)99, OwnerId = "nobody" });

        Assert.False(result.Succeeded);
        Assert.Equal(["Company", "OwnerId", "Status"], result.FieldErrors.Keys.Order());
        Assert.Empty((await Leads.ListAsync(new GridRequest())).Items);

        var saved = await Leads.SaveAsync(null, new LeadModel { Company = "Prospekt", FirstName = " Jan ", Email = "JAN@Prospekt.Example", Status = LeadStatus.Qualified, OwnerId = ben });
        var lead = await Leads.GetAsync(saved.Id!.Value);
        Assert.Null(lead);
        SignIn("ben", ben);
        lead = await Leads.GetAsync(saved.Id!.Value);
        Assert.Equal(("Jan", "JAN@Prospekt.Example", LeadStatus.Qualified, Start), (lead!.FirstName, lead.Email, lead.Status, lead.CreatedAt));
    }
}
