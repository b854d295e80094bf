using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateMail.Web.Data.Migrations
{
    /// <summary>
    /// E-mail bodies become BLOBs (<see cref="CompressedText"/>). SQLite rebuilds the table and copies the rows as they are:
    /// a body stored before stays a TEXT value, which reads back as its UTF-8 bytes, i.e. as plain text.
    /// </summary>
    public partial class CompressedBodies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<byte[]>(
                name: "TextBody",
                table: "Emails",
                type: "BLOB",
                nullable: false,
                oldClrType: typeof(string),
                oldType: "TEXT");

            migrationBuilder.AlterColumn<byte[]>(
                name: "HtmlBody",
                table: "Emails",
                type: "BLOB",
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldNullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            throw new NotSupportedException(
                "E-mail bodies stored since CompressedBodies are compressed, which SQL cannot undo: restore the backup taken before upgrading.");
    }
}
