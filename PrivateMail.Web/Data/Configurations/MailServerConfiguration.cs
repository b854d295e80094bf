using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class MailServerConfiguration : IEntityTypeConfiguration<MailServer>
{
    public void Configure(EntityTypeBuilder<MailServer> builder)
    {
        builder.Property(s => s.Name).HasMaxLength(50).UseCollation("NOCASE");
        builder.HasIndex(s => s.Name).IsUnique();
        builder.Property(s => s.ImapHost).HasMaxLength(253);
        builder.Property(s => s.SmtpHost).HasMaxLength(253);
        builder.Property(s => s.ImapSecurity).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.SmtpSecurity).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.AuthMethod).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.OAuthProvider).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.OAuthClientId).HasMaxLength(512);
        builder.Property(s => s.OAuthAuthorizeEndpoint).HasMaxLength(1024);
        builder.Property(s => s.OAuthTokenEndpoint).HasMaxLength(1024);
        builder.Property(s => s.OAuthScopes).HasMaxLength(1024);
        // A server in use cannot be deleted: deactivate it instead.
        builder.HasMany(s => s.Mailboxes).WithOne(m => m.MailServer).HasForeignKey(m => m.MailServerId).OnDelete(DeleteBehavior.Restrict);
    }
}
