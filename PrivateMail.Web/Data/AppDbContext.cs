using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using PrivateMail.Web.Data.Providers;

namespace PrivateMail.Web.Data;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<ModuleSetting> ModuleSettings => Set<ModuleSetting>();
    public DbSet<MailServer> MailServers => Set<MailServer>();
    public DbSet<Mailbox> Mailboxes => Set<Mailbox>();
    public DbSet<Contact> Contacts => Set<Contact>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Lead> Leads => Set<Lead>();
    public DbSet<Ticket> Tickets => Set<Ticket>();
    public DbSet<TicketStatus> TicketStatuses => Set<TicketStatus>();
    public DbSet<TicketSettings> TicketSettings => Set<TicketSettings>();
    public DbSet<RecordSequence> RecordSequences => Set<RecordSequence>();
    public DbSet<Email> Emails => Set<Email>();
    public DbSet<EmailAttachment> EmailAttachments => Set<EmailAttachment>();
    public DbSet<EmailLink> EmailLinks => Set<EmailLink>();
    public DbSet<FolderCursor> FolderCursors => Set<FolderCursor>();
    public DbSet<ScanRun> ScanRuns => Set<ScanRun>();
    public DbSet<ScanOutcome> ScanOutcomes => Set<ScanOutcome>();
    public DbSet<AppliedStatusChange> AppliedStatusChanges => Set<AppliedStatusChange>();
    public DbSet<FailedMessage> FailedMessages => Set<FailedMessage>();
    public DbSet<GlobalExceptionSettings> GlobalExceptionSettings => Set<GlobalExceptionSettings>();
    public DbSet<BindingRuleSettings> BindingRuleSettings => Set<BindingRuleSettings>();
    public DbSet<ScannerAdminSettings> ScannerAdminSettings => Set<ScannerAdminSettings>();
    public DbSet<EmailAmbiguity> EmailAmbiguities => Set<EmailAmbiguity>();
    public DbSet<ScanLease> ScanLeases => Set<ScanLease>();
    public DbSet<AppNode> AppNodes => Set<AppNode>();

    /// <summary>Data Protection's keys, shared by every app node (PostgreSQL only: SQLite keeps them in the data folder).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
        ProviderModel.Configure(builder, DatabaseProviders.Of(Database));
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        ProviderModel.ConfigureConventions(configurationBuilder, DatabaseProviders.Of(Database));
}
