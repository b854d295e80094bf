using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.Web.Features.MailServers;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Privacy;
using PrivateMail.Web.Features.Users;

namespace PrivateMail.Tests.Web.Features.Privacy;

/// <summary>Mail tools → Binding rules and the Users page's mail address: validated, stored, administrators only.</summary>
public sealed class BindingRulesPageTests : MailServerTestContext
{
    private BindingRulesService Rules => Services.GetRequiredService<BindingRulesService>();

    [Fact]
    public async Task The_shipped_free_mail_list_is_shown_and_saved_lists_are_normalised_and_stored()
    {
        await new RecordFactory(Services).MailboxAsync(await CreateUserAsync("olga"));
        var page = Render<MailServersHost>(p => p.AddChildContent<BindingRulesPage>());
        page.WaitForElement("#binding-rules");
        Assert.Contains("gmail.com", page.Find("#binding-free-mail").OuterHtml);
        page.Find("#binding-free-mail").Input("Gmail.com\n@WP.pl, GMX.*");
        page.Find("#binding-our-domains").Input("Firma.example");

        await page.Find("#binding-rules-save").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Contains("Binding rules saved", page.Markup));
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var row = await db.BindingRuleSettings.SingleAsync();
        Assert.Equal(["gmail.com", "wp.pl", "gmx.*"], row.FreeMailDomains);
        Assert.Equal(["firma.example"], row.OurDomains);
    }

    [Fact]
    public async Task An_invalid_entry_is_refused_with_the_reason_and_nothing_is_stored()
    {
        var result = await Rules.SaveAsync("gmail.com\nnot a*domain", "firma.example");

        Assert.False(result.Succeeded);
        Assert.Contains("not", result.FreeMailError);
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.BindingRuleSettings.AnyAsync());
    }

    [Fact]
    public async Task A_non_administrator_can_neither_read_nor_save_the_rules_nor_set_a_users_mail_address()
    {
        var userId = await CreateUserAsync("jan");
        SignIn("jan", userId);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Rules.GetAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Rules.SaveAsync("", ""));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Services.GetRequiredService<UserAdminService>().SetProvenEmailAsync(userId, "customer@client.example"));
    }

    [Fact]
    public async Task An_administrator_sets_and_clears_a_users_mail_address_and_a_non_address_is_refused()
    {
        var userId = await CreateUserAsync("jan");
        var users = Services.GetRequiredService<UserAdminService>();

        Assert.True((await users.SetProvenEmailAsync(userId, " Jan.Kowalski@Firma.example ")).Succeeded);
        Assert.False((await users.SetProvenEmailAsync(userId, "not an address")).Succeeded);
        Assert.Equal("Jan.Kowalski@Firma.example", (await users.ListAsync()).Single(u => u.Id == userId).ProvenEmail);

        Assert.True((await users.SetProvenEmailAsync(userId, "")).Succeeded);
        Assert.Null((await users.ListAsync()).Single(u => u.Id == userId).ProvenEmail);
    }
}
