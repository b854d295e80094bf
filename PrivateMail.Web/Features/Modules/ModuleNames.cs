using PrivateMail.Domain.Modules;
using PrivateMail.Web.Resources;

namespace PrivateMail.Web.Features.Modules;

/// <summary>How each module is named, described and drawn in the user's language.</summary>
public static class ModuleNames
{
    public static string Name(CrmModule module) => module switch
    {
        CrmModule.MyMail => Strings.ModuleMyMail,
        CrmModule.Emails => Strings.ModuleEmails,
        CrmModule.Contacts => Strings.ModuleContacts,
        CrmModule.Accounts => Strings.ModuleAccounts,
        CrmModule.Leads => Strings.ModuleLeads,
        CrmModule.Tickets => Strings.ModuleTickets,
        _ => module.ToString(),
    };

    public static string Description(CrmModule module) => module switch
    {
        CrmModule.MyMail => Strings.ModuleMyMailDescription,
        CrmModule.Emails => Strings.ModuleEmailsDescription,
        CrmModule.Contacts => Strings.ModuleContactsDescription,
        CrmModule.Accounts => Strings.ModuleAccountsDescription,
        CrmModule.Leads => Strings.ModuleLeadsDescription,
        CrmModule.Tickets => Strings.ModuleTicketsDescription,
        _ => "",
    };

    public static string Icon(CrmModule module) => module switch
    {
        CrmModule.MyMail => MudBlazor.Icons.Material.Outlined.Inbox,
        CrmModule.Emails => MudBlazor.Icons.Material.Outlined.Email,
        CrmModule.Contacts => MudBlazor.Icons.Material.Outlined.Person,
        CrmModule.Accounts => MudBlazor.Icons.Material.Outlined.Business,
        CrmModule.Leads => MudBlazor.Icons.Material.Outlined.TrendingUp,
        CrmModule.Tickets => MudBlazor.Icons.Material.Outlined.ConfirmationNumber,
        _ => MudBlazor.Icons.Material.Outlined.Apps,
    };

    /// <summary>The address of a module's page: the record lists and the mail client.</summary>
    public static string Href(CrmModule module) => module switch
    {
        CrmModule.MyMail => "my-mail",
        CrmModule.Emails => "emails",
        CrmModule.Contacts => "contacts",
        CrmModule.Accounts => "accounts",
        CrmModule.Leads => "leads",
        CrmModule.Tickets => "tickets",
        _ => $"modules/{module.ToString().ToLowerInvariant()}",
    };
}
