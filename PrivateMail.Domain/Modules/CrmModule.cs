namespace PrivateMail.Domain.Modules;

/// <summary>The modules an administrator can switch on and off under Modules - installation.</summary>
public enum CrmModule
{
    /// <summary>Private mailboxes and the mail scanner ("My mail"). Ships disabled, as in YetiForce.</summary>
    MyMail = 1,
    Emails = 2,
    Contacts = 3,
    Accounts = 4,
    Leads = 5,
    Tickets = 6,
}

/// <summary>The module catalogue: every module, its order on screen and its default state.</summary>
public static class CrmModules
{
    /// <summary>All modules in the order they are listed and shown in navigation.</summary>
    public static IReadOnlyList<CrmModule> All { get; } =
        [CrmModule.MyMail, CrmModule.Emails, CrmModule.Contacts, CrmModule.Accounts, CrmModule.Leads, CrmModule.Tickets];

    /// <summary>Whether a module is enabled on a fresh installation. My mail must be ticked by an administrator.</summary>
    public static bool EnabledByDefault(CrmModule module) => module != CrmModule.MyMail;
}
