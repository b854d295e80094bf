using Bunit;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Tests.Web.Features.MailServers;
using PrivateMail.Web.Data;
using PrivateMail.Web.Features.Scanner;

namespace PrivateMail.Tests.Web.Features.Scanner;

/// <summary>Mail tools → Global exceptions: validated, normalised, stored in one row; administrators only.</summary>
public sealed class GlobalExceptionsPageTests : MailServerTestContext
{
    private GlobalExceptionsService Exceptions => Services.GetRequiredService<GlobalExceptionsService>();

    [Fact]
    public async Task Saved_lists_are_normalised_stored_once_and_shown_again()
    {
        var page = Render<MailServersHost>(p => p.AddChildContent<GlobalExceptionsPage>());
        page.WaitForElement("#global-exceptions");
        page.Find("#global-email-exceptions").Input("NoReply@Shop.example\nnoreply@shop.example, ala@x.example");
        page.Find("#global-domain-exceptions").Input("@Spam.Example");

        await page.Find("#global-exceptions-save").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Contains("Global exceptions saved", page.Markup));
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var row = await db.GlobalExceptionSettings.SingleAsync();
        Assert.Equal(["noreply@shop.example", "ala@x.example"], row.EmailExceptions);
        Assert.Equal(["spam.example"], row.DomainExceptions);
        var again = await Exceptions.GetAsync();
        Assert.Equal(["spam.example"], again.Domains);
    }

    [Fact]
    public async Task An_invalid_entry_is_refused_with_the_reason_and_nothing_is_stored()
    {
        var result = await Exceptions.SaveAsync("ok@x.example\nnot an address@", "good.example\nbad_domain");

        Assert.False(result.Succeeded);
        Assert.NotNull(result.DomainError);
        Assert.Contains("bad_domain", result.DomainError);
        await using var db = await Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.GlobalExceptionSettings.AnyAsync());
    }

    [Fact]
    public async Task A_non_administrator_cannot_read_or_save_them()
    {
        var userId = await CreateUserAsync("jan");
        SignIn("jan", userId);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Exceptions.GetAsync());
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Exceptions.SaveAsync("a@b.example", ""));
    }
}
