using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class TicketConfiguration : IEntityTypeConfiguration<Ticket>
{
    public void Configure(EntityTypeBuilder<Ticket> builder)
    {
        // The database itself refuses a repeated number, whatever the code does.
        builder.HasIndex(t => t.Sequence).IsUnique();
        builder.Property(t => t.Number).HasMaxLength(24).UseCollation("NOCASE");
        builder.HasIndex(t => t.Number).IsUnique();
        builder.Property(t => t.Title).HasMaxLength(255);
        // Stored compressed (BLOB / bytea) like an e-mail's bodies: a ticket from mail carries the mail's whole text. The
        // model keeps a string; nothing filters on it in SQL (search uses SearchText: number and title).
        builder.Property(t => t.Description).HasConversion<CompressedTextConverter>();
        builder.Property(t => t.Priority).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(t => new { t.OwnerId, t.ModifiedAt });
        builder.Property(t => t.SourceKey).HasMaxLength(1000);
        builder.HasIndex(t => new { t.SourceMailboxId, t.SourceKey }).IsUnique().HasFilter("\"SourceKey\" IS NOT NULL");
        // The per-sender ticket cap counts an owner's tickets created from one address in the last hour.
        builder.Property(t => t.SourceSender).HasMaxLength(320);
        builder.HasIndex(t => new { t.SourceSender, t.CreatedAt }).HasFilter("\"SourceSender\" IS NOT NULL");
        builder.HasOne(t => t.Status).WithMany().HasForeignKey(t => t.StatusId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne(t => t.Contact).WithMany().HasForeignKey(t => t.ContactId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(t => t.Account).WithMany().HasForeignKey(t => t.AccountId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(t => t.Owner).WithMany().HasForeignKey(t => t.OwnerId).OnDelete(DeleteBehavior.Restrict);
    }
}
