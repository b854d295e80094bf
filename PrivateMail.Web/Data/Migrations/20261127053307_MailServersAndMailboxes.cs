using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateMail.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class MailServersAndMailboxes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MailServers",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false, collation: "NOCASE"),
                    IsActive = table.Column<bool>(type: "INTEGER", nullable: false),
                    IsVisible = table.Column<bool>(type: "INTEGER", nullable: false),
                    ImapHost = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    ImapPort = table.Column<int>(type: "INTEGER", nullable: false),
                    ImapSecurity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ValidateCertificate = table.Column<bool>(type: "INTEGER", nullable: false),
                    SmtpHost = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    SmtpPort = table.Column<int>(type: "INTEGER", nullable: false),
                    SmtpSecurity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AuthMethod = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    OAuthProvider = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    OAuthClientId = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    OAuthClientSecretProtected = table.Column<string>(type: "TEXT", nullable: true),
                    OAuthAuthorizeEndpoint = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    OAuthTokenEndpoint = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    OAuthScopes = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MailServers", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Mailboxes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OwnerId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    MailServerId = table.Column<int>(type: "INTEGER", nullable: false),
                    Login = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    PasswordProtected = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    LastErrorAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Folders = table.Column<string>(type: "TEXT", nullable: false),
                    Actions = table.Column<int>(type: "INTEGER", nullable: false),
                    SearchFields = table.Column<string>(type: "TEXT", nullable: false),
                    EmailExceptions = table.Column<string>(type: "TEXT", nullable: false),
                    DomainExceptions = table.Column<string>(type: "TEXT", nullable: false),
                    ImportSince = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Mailboxes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Mailboxes_AspNetUsers_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Mailboxes_MailServers_MailServerId",
                        column: x => x.MailServerId,
                        principalTable: "MailServers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Mailboxes_MailServerId",
                table: "Mailboxes",
                column: "MailServerId");

            migrationBuilder.CreateIndex(
                name: "IX_Mailboxes_OwnerId",
                table: "Mailboxes",
                column: "OwnerId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MailServers_Name",
                table: "MailServers",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Mailboxes");

            migrationBuilder.DropTable(
                name: "MailServers");
        }
    }
}
