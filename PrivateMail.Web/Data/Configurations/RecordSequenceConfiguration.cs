using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class RecordSequenceConfiguration : IEntityTypeConfiguration<RecordSequence>
{
    public void Configure(EntityTypeBuilder<RecordSequence> builder)
    {
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(32);
        builder.Property(s => s.Prefix).HasMaxLength(8);
    }
}
