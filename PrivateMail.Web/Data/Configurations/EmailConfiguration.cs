using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class EmailConfiguration : IEntityTypeConfiguration<Email>
{
    public void Configure(EntityTypeBuilder<Email> builder)
    {
        builder.Property(e => e.Subject).HasMaxLength(2000);
        builder.Property(e => e.From).HasMaxLength(1000);
        builder.Property(e => e.FromNormalised).HasMaxLength(320);
        builder.Property(e => e.MessageId).HasMaxLength(1000);
        builder.Property(e => e.InReplyTo).HasMaxLength(1000);
        builder.Property(e => e.Folder).HasMaxLength(500);
        builder.Property(e => e.DedupeKey).HasMaxLength(1000);
        builder.Property(e => e.Preview).HasDefaultValue("");
        // Bodies are stored compressed (BLOB / bytea); the model keeps strings. Nothing filters on them in SQL.
        builder.Property(e => e.TextBody).HasConversion<CompressedTextConverter>();
        builder.Property(e => e.HtmlBody).HasConversion<CompressedTextConverter>();
        builder.Property(e => e.Type).HasConversion<string>().HasMaxLength(16);
        // The same message is stored once per mailbox, however often a scan sees it.
        builder.HasIndex(e => new { e.MailboxId, e.DedupeKey }).IsUnique();
        // Threading: a reply finds the stored mail it answers by Message-ID.
        builder.HasIndex(e => e.MessageId);
        builder.HasIndex(e => e.FromNormalised);
        builder.HasIndex(e => e.Date);
        builder.HasIndex(e => new { e.OwnerId, e.Date });
        builder.HasOne(e => e.Mailbox).WithMany().HasForeignKey(e => e.MailboxId).OnDelete(DeleteBehavior.SetNull);
        builder.HasOne(e => e.Owner).WithMany().HasForeignKey(e => e.OwnerId).OnDelete(DeleteBehavior.Restrict);
        builder.Ignore(e => e.OriginalDate);
    }
}
