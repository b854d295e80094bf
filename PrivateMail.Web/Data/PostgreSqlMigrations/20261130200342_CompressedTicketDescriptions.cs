using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateMail.Web.Data.PostgreSqlMigrations
{
    /// <summary>
    /// A ticket's description becomes bytes (<see cref="CompressedText"/>), as e-mail bodies did in CompressedBodies.
    /// Rows stored before keep their text as its UTF-8 bytes, which the app reads as plain text; EF's own ALTER has no
    /// USING and PostgreSQL has no cast from text to bytea.
    /// </summary>
    public partial class CompressedTicketDescriptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE "Tickets" ALTER COLUMN "Description" TYPE bytea USING convert_to("Description", 'UTF8');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            throw new NotSupportedException(
                "Ticket descriptions stored since CompressedTicketDescriptions are compressed, which SQL cannot undo: restore the backup taken before upgrading.");
    }
}
