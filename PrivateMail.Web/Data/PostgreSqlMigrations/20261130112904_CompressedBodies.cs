using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateMail.Web.Data.PostgreSqlMigrations
{
    /// <summary>
    /// E-mail bodies become bytes (<see cref="CompressedText"/>). Rows stored before keep their text as its UTF-8
    /// bytes, which the app reads as plain text; EF's own ALTER has no USING and PostgreSQL has no cast from text to bytea.
    /// </summary>
    public partial class CompressedBodies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TABLE "Emails"
                    ALTER COLUMN "TextBody" TYPE bytea USING convert_to("TextBody", 'UTF8'),
                    ALTER COLUMN "HtmlBody" TYPE bytea USING convert_to("HtmlBody", 'UTF8');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) =>
            throw new NotSupportedException(
                "E-mail bodies stored since CompressedBodies are compressed, which SQL cannot undo: restore the backup taken before upgrading.");
    }
}
