using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace PrivateMail.Web.Data;

public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : IdentityDbContext<ApplicationUser>(options)
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

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(AppDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset natively; store UTC ticks.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
    }
}
