using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Records.Accounts;

namespace PrivateMail.Tests.Web.Features.Records.Accounts;

/// <summary>The account form on the shared edit page: new, edit, server errors, someone else's account.</summary>
public sealed class AccountEditPageTests : RecordsTestContext
{
    [Fact]
    public async Task A_new_account_is_saved_with_its_website_domain_and_opens()
    {
        var page = Render<WithPopovers>(p => p.AddChildContent<AccountEditPage>());
        page.WaitForElement("#account-form");
        Assert.Equal("New account", page.Find("#record-title").TextContent);

        page.Find("#edit-name").Input("Księgarnia Żak");
        page.Find("#edit-website").Input("https://www.Księgarnia-Żak.pl/kontakt");
        await page.Find("#account-form").SubmitAsync();

        await using var db = await DbAsync();
        var account = await db.Accounts.SingleAsync();
        Assert.Equal(("Księgarnia Żak", Olga), (account.Name, account.OwnerId));
        Assert.NotNull(account.Domain);
        Assert.EndsWith($"/accounts/{account.Id}", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public async Task A_website_without_a_domain_is_refused_on_its_field_and_the_typing_stays()
    {
        var id = await Make.AccountAsync(Olga, "Firma");
        var page = Render<WithPopovers>(p => p.AddChildContent<AccountEditPage>(c => c.Add(x => x.Id, id)));
        page.WaitForElement("#account-form");
        Assert.Equal("Firma", page.Find("#edit-name").GetAttribute("value"));

        page.Find("#edit-website").Input("not a website");
        page.Find("#edit-phone").Input("+48 600 100 200");
        await page.Find("#account-form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("Website must be a web address such as www.example.com.", page.Markup));
        Assert.Equal("+48 600 100 200", page.Find("#edit-phone").GetAttribute("value"));
        await using var db = await DbAsync();
        Assert.Null((await db.Accounts.SingleAsync()).Phone);
    }

    [Fact]
    public async Task Another_users_account_is_not_found()
    {
        var ben = await CreateUserAsync("ben");
        var id = await Make.AccountAsync(ben, "Ben's firm");

        var page = Render<WithPopovers>(p => p.AddChildContent<AccountEditPage>(c => c.Add(x => x.Id, id)));

        page.WaitForElement("#record-not-found");
        Assert.Empty(page.FindAll("#account-form"));
    }
}
