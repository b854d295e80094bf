using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace PrivateMail.Web.Data.Configurations;

internal sealed class TicketSettingsConfiguration : IEntityTypeConfiguration<TicketSettings>
{
    public void Configure(EntityTypeBuilder<TicketSettings> builder)
    {
        builder.Property(s => s.Id).ValueGeneratedNever();
        // A status the scanner maps to cannot be deleted out from under it.
        builder.HasOne<TicketStatus>().WithMany().HasForeignKey(s => s.AnswerFromStatusId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TicketStatus>().WithMany().HasForeignKey(s => s.AnswerToStatusId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TicketStatus>().WithMany().HasForeignKey(s => s.ReopenStatusId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TicketStatus>().WithMany().HasForeignKey(s => s.NewTicketStatusId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<TicketStatus>().WithMany().HasForeignKey(s => s.ReplySentStatusId).OnDelete(DeleteBehavior.Restrict);
    }
}
