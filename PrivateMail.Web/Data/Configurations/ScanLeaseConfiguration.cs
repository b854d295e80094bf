using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class ScanLeaseConfiguration : IEntityTypeConfiguration<ScanLease>
{
    public void Configure(EntityTypeBuilder<ScanLease> builder)
    {
        builder.HasKey(l => l.MailboxId);
        builder.Property(l => l.MailboxId).ValueGeneratedNever();
        builder.Property(l => l.NodeId).HasMaxLength(AppNodeConfiguration.NodeIdLength);
        builder.HasOne<Mailbox>().WithOne().HasForeignKey<ScanLease>(l => l.MailboxId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(l => l.NodeId);
    }
}

internal sealed class AppNodeConfiguration : IEntityTypeConfiguration<AppNode>
{
    public const int NodeIdLength = 64;

    public void Configure(EntityTypeBuilder<AppNode> builder)
    {
        builder.HasKey(n => n.NodeId);
        builder.Property(n => n.NodeId).HasMaxLength(NodeIdLength);
        builder.Property(n => n.Host).HasMaxLength(255);
    }
}
