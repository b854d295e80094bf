using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateMail.Web.Data.PostgreSqlMigrations
{
    /// <inheritdoc />
    public partial class ScannerSpeed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AppliedStatusChanges",
                columns: table => new
                {
                    MailboxId = table.Column<int>(type: "integer", nullable: false),
                    MessageKey = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    TicketId = table.Column<int>(type: "integer", nullable: false),
                    AppliedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AppliedStatusChanges", x => new { x.MailboxId, x.MessageKey, x.TicketId });
                    table.ForeignKey(
                        name: "FK_AppliedStatusChanges_Mailboxes_MailboxId",
                        column: x => x.MailboxId,
                        principalTable: "Mailboxes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AppliedStatusChanges_Tickets_TicketId",
                        column: x => x.TicketId,
                        principalTable: "Tickets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AppliedStatusChanges_TicketId",
                table: "AppliedStatusChanges",
                column: "TicketId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AppliedStatusChanges");
        }
    }
}
