using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateMail.Web.Data.Migrations
{
    /// <summary>
    /// A ticket's description becomes a BLOB (<see cref="CompressedText"/>), as e-mail bodies did in CompressedBodies.
    /// SQLite rebuilds the table and copies the rows as they are: a description stored before stays a TEXT value, which
    /// reads back as its UTF-8 bytes, i.e. as plain text.
    /// </summary>
    public partial class CompressedTicketDescriptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<byte[]>(
                name: "Description",
                table: "Tickets",
                type: "BLOB",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "TEXT");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            throw new NotSupportedException(
                "Ticket descriptions stored since CompressedTicketDescriptions are compressed, which SQL cannot undo: restore the backup taken before upgrading.");
    }
}
