using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class FolderCursorConfiguration : IEntityTypeConfiguration<FolderCursor>
{
    public void Configure(EntityTypeBuilder<FolderCursor> builder)
    {
        builder.Property(c => c.Folder).HasMaxLength(1000);
        // One cursor per folder: two writers can never keep two positions.
        builder.HasIndex(c => new { c.MailboxId, c.Folder }).IsUnique();
        builder.HasOne(c => c.Mailbox).WithMany().HasForeignKey(c => c.MailboxId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ScanRunConfiguration : IEntityTypeConfiguration<ScanRun>
{
    public void Configure(EntityTypeBuilder<ScanRun> builder)
    {
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.StartedById).HasMaxLength(450);
        builder.Property(r => r.NodeId).HasMaxLength(AppNodeConfiguration.NodeIdLength);
        builder.Property(r => r.FirstError).HasMaxLength(2000);
        // A mailbox's history, newest first.
        builder.HasIndex(r => new { r.MailboxId, r.StartedAt });
        builder.HasOne(r => r.Mailbox).WithMany().HasForeignKey(r => r.MailboxId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ScanOutcomeConfiguration : IEntityTypeConfiguration<ScanOutcome>
{
    public void Configure(EntityTypeBuilder<ScanOutcome> builder)
    {
        builder.Property(o => o.Folder).HasMaxLength(1000);
        builder.Property(o => o.Reason).HasMaxLength(2000);
        builder.Property(o => o.Subject).HasMaxLength(300);
        builder.Property(o => o.Kind).HasConversion<string>().HasMaxLength(16);
        // A run's outcomes in order, paged; deleted with their run.
        builder.HasIndex(o => new { o.RunId, o.Id });
        builder.HasOne(o => o.Run).WithMany(r => r.Outcomes).HasForeignKey(o => o.RunId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FailedMessageConfiguration : IEntityTypeConfiguration<FailedMessage>
{
    public void Configure(EntityTypeBuilder<FailedMessage> builder)
    {
        builder.Property(f => f.Folder).HasMaxLength(1000);
        builder.Property(f => f.Error).HasMaxLength(2000);
        builder.Property(f => f.RawPath).HasMaxLength(1000);
        // A message that fails again on a re-run is the same row.
        builder.HasIndex(f => new { f.MailboxId, f.Folder, f.UidValidity, f.Uid }).IsUnique();
        builder.HasOne(f => f.Mailbox).WithMany().HasForeignKey(f => f.MailboxId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AppliedStatusChangeConfiguration : IEntityTypeConfiguration<AppliedStatusChange>
{
    public void Configure(EntityTypeBuilder<AppliedStatusChange> builder)
    {
        // The key is the rule: one change per message, mailbox and ticket.
        builder.HasKey(a => new { a.MailboxId, a.MessageKey, a.TicketId });
        builder.Property(a => a.MessageKey).HasMaxLength(1000);
        builder.HasOne<Mailbox>().WithMany().HasForeignKey(a => a.MailboxId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Ticket>().WithMany().HasForeignKey(a => a.TicketId).OnDelete(DeleteBehavior.Cascade);
    }
}
