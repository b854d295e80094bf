using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateMail.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class OAuthTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OAuthAccessTokenProtected",
                table: "Mailboxes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OAuthAccount",
                table: "Mailboxes",
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OAuthExpiresAt",
                table: "Mailboxes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OAuthRefreshTokenProtected",
                table: "Mailboxes",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "OAuthAccessTokenProtected",
                table: "Mailboxes");

            migrationBuilder.DropColumn(
                name: "OAuthAccount",
                table: "Mailboxes");

            migrationBuilder.DropColumn(
                name: "OAuthExpiresAt",
                table: "Mailboxes");

            migrationBuilder.DropColumn(
                name: "OAuthRefreshTokenProtected",
                table: "Mailboxes");
        }
    }
}
