using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateMail.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class MyMailSending : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ReplySentStatusId",
                table: "TicketSettings",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "ServerSavesSentMail",
                table: "MailServers",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            // Gmail and Microsoft 365 file sent mail in Sent themselves: existing servers of those presets say so.
            migrationBuilder.Sql("UPDATE MailServers SET ServerSavesSentMail = 1 WHERE AuthMethod = 'OAuth2' AND OAuthProvider IN ('Google', 'Microsoft');");

            migrationBuilder.AddColumn<string>(
                name: "SenderAddress",
                table: "Mailboxes",
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_TicketSettings_ReplySentStatusId",
                table: "TicketSettings",
                column: "ReplySentStatusId");

            migrationBuilder.AddForeignKey(
                name: "FK_TicketSettings_TicketStatuses_ReplySentStatusId",
                table: "TicketSettings",
                column: "ReplySentStatusId",
                principalTable: "TicketStatuses",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_TicketSettings_TicketStatuses_ReplySentStatusId",
                table: "TicketSettings");

            migrationBuilder.DropIndex(
                name: "IX_TicketSettings_ReplySentStatusId",
                table: "TicketSettings");

            migrationBuilder.DropColumn(
                name: "ReplySentStatusId",
                table: "TicketSettings");

            migrationBuilder.DropColumn(
                name: "ServerSavesSentMail",
                table: "MailServers");

            migrationBuilder.DropColumn(
                name: "SenderAddress",
                table: "Mailboxes");
        }
    }
}
