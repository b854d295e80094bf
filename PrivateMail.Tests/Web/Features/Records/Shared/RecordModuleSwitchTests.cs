using Bunit;
using Microsoft.Extensions.DependencyInjection;
using PrivateMail.Domain.Modules;
using PrivateMail.Domain.Scanning;
using PrivateMail.Tests.TestSupport;
using PrivateMail.Tests.TestSupport.Components;
using PrivateMail.Web.Features.Modules;
using PrivateMail.Web.Features.Records;
using PrivateMail.Web.Features.Records.Accounts;
using PrivateMail.Web.Features.Records.Contacts;
using PrivateMail.Web.Features.Records.Emails;
using PrivateMail.Web.Features.Records.Leads;
using PrivateMail.Web.Features.Records.Tickets;

namespace PrivateMail.Tests.Web.Features.Records.Shared;

/// <summary>A module switched off under Modules - installation: its pages show a notice and its services refuse, server-side.</summary>
public sealed class RecordModuleSwitchTests : PrivateMailTestContext, IAsyncLifetime
{
    private string _adminId = "";

    public async ValueTask InitializeAsync()
    {
        await UseAppServicesAsync();
        _adminId = await CreateUserAsync("ada", administrator: true);
        SignIn("ada", _adminId, administrator: true);
    }

    ValueTask IAsyncDisposable.DisposeAsync() => DisposeAsync();

    private Task SwitchAsync(CrmModule module, bool enabled) => Services.GetRequiredService<ModuleService>().SetEnabledAsync(module, enabled, "ada");

    public static TheoryData<CrmModule> RecordModules => [CrmModule.Contacts, CrmModule.Accounts, CrmModule.Leads, CrmModule.Tickets, CrmModule.Emails];

    [Theory]
    [MemberData(nameof(RecordModules))]
    public async Task A_disabled_modules_service_refuses_even_an_administrator(CrmModule module)
    {
        Func<Task> list = module switch
        {
            CrmModule.Contacts => () => Services.GetRequiredService<ContactService>().ListAsync(new GridRequest()),
            CrmModule.Accounts => () => Services.GetRequiredService<AccountService>().ListAsync(new GridRequest()),
            CrmModule.Leads => () => Services.GetRequiredService<LeadService>().ListAsync(new GridRequest()),
            CrmModule.Tickets => () => Services.GetRequiredService<TicketService>().ListAsync(new GridRequest()),
            _ => () => Services.GetRequiredService<EmailService>().ListAsync(new GridRequest()),
        };
        await list();

        await SwitchAsync(module, false);

        var refused = await Assert.ThrowsAsync<ModuleDisabledException>(list);
        Assert.Equal(module, refused.Module);
    }

    [Fact]
    public async Task Every_operation_of_a_disabled_contacts_module_is_refused()
    {
        var id = await new RecordFactory(Services).ContactAsync(_adminId, "Jan", "Kowalski");
        var contacts = Services.GetRequiredService<ContactService>();
        await SwitchAsync(CrmModule.Contacts, false);

        await Assert.ThrowsAsync<ModuleDisabledException>(() => contacts.GetAsync(id));
        await Assert.ThrowsAsync<ModuleDisabledException>(() => contacts.GetForEditAsync(id));
        await Assert.ThrowsAsync<ModuleDisabledException>(() => contacts.SaveAsync(id, new ContactModel { LastName = "X", OwnerId = _adminId }));
        await Assert.ThrowsAsync<ModuleDisabledException>(() => contacts.DeleteAsync(id));
        await Assert.ThrowsAsync<ModuleDisabledException>(() => contacts.FindByEmailAsync("jan@example.test"));
        await SwitchAsync(CrmModule.Contacts, true);
        Assert.NotNull(await contacts.GetAsync(id));
    }

    [Fact]
    public async Task A_disabled_modules_page_shows_the_notice_and_no_records_and_comes_back_when_enabled()
    {
        await new RecordFactory(Services).ContactAsync(_adminId, "Jan", "Kowalski");
        await SwitchAsync(CrmModule.Contacts, false);

        var page = Render<WithPopovers>(p => p.AddChildContent<ContactsPage>());

        Assert.Contains("The module Contacts is disabled", page.Find("#module-disabled").TextContent);
        Assert.Empty(page.FindAll("#contacts-grid"));
        Assert.DoesNotContain("Kowalski", page.Markup);

        await SwitchAsync(CrmModule.Contacts, true);

        page.WaitForAssertion(() => Assert.Contains("Kowalski", page.Find("#contacts-grid").TextContent));
    }

    [Fact]
    public async Task A_records_page_without_the_e_mails_module_says_so_instead_of_listing_mail()
    {
        var make = new RecordFactory(Services);
        var contact = await make.ContactAsync(_adminId, "Jan", "Kowalski");
        var email = await make.EmailAsync(_adminId, "Secret subject");
        await make.LinkAsync(email, RecordKind.Contact, contact);
        await SwitchAsync(CrmModule.Emails, false);

        var page = Render<WithPopovers>(p => p.AddChildContent<ContactDetailPage>(c => c.Add(x => x.Id, contact)));

        page.WaitForElement("#related-emails-disabled");
        Assert.DoesNotContain("Secret subject", page.Markup);
    }
}
