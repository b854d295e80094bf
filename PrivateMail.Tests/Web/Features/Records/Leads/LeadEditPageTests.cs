using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Leads;

namespace PrivateMail.Tests.Web.Features.Records.Leads;

/// <summary>The lead form on the shared edit page: edit, a lead deleted meanwhile, someone else's lead.</summary>
public sealed class LeadEditPageTests : RecordsTestContext
{
    [Fact]
    public async Task Editing_changes_the_lead_and_opens_it()
    {
        var id = await Make.LeadAsync(Olga, "Prospekt", "jan@prospekt.example");
        var page = Render<WithPopovers>(p => p.AddChildContent<LeadEditPage>(c => c.Add(x => x.Id, id)));
        page.WaitForElement("#lead-form");
        Assert.Equal("jan@prospekt.example", page.Find("#edit-email").GetAttribute("value"));

        page.Find("#edit-company").Input("Prospekt S.A.");
        await page.Find("#lead-form").SubmitAsync();

        Assert.EndsWith($"/leads/{id}", Services.GetRequiredService<NavigationManager>().Uri);
        await using var db = await DbAsync();
        Assert.Equal("Prospekt S.A.", (await db.Leads.SingleAsync()).Company);
    }

    [Fact]
    public async Task A_lead_deleted_meanwhile_is_reported_on_save_and_the_typing_stays()
    {
        var id = await Make.LeadAsync(Olga, "Prospekt");
        var page = Render<WithPopovers>(p => p.AddChildContent<LeadEditPage>(c => c.Add(x => x.Id, id)));
        page.WaitForElement("#lead-form");
        page.Find("#edit-first-name").Input("Zofia");
        await using (var db = await DbAsync())
        {
            await db.Leads.Where(l => l.Id == id).ExecuteDeleteAsync();
        }

        await page.Find("#lead-form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("no longer exists", page.Find("#form-error").TextContent));
        Assert.Equal("Zofia", page.Find("#edit-first-name").GetAttribute("value"));
        Assert.EndsWith("/", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task Another_users_lead_is_not_found()
    {
        var ben = await CreateUserAsync("ben");
        var id = await Make.LeadAsync(ben, "Ben's prospect");

        var page = Render<WithPopovers>(p => p.AddChildContent<LeadEditPage>(c => c.Add(x => x.Id, id)));

        page.WaitForElement("#record-not-found");
        Assert.Empty(page.FindAll("#lead-form"));
    }
}
