using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateMail.Web.Data.PostgreSqlMigrations
{
    /// <inheritdoc />
    public partial class ScanLeases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "NodeId",
                table: "ScanRuns",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AppNodes",
                columns: table => new
                {
                    NodeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Host = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AppNodes", x => x.NodeId);
                });

            migrationBuilder.CreateTable(
                name: "ScanLeases",
                columns: table => new
                {
                    MailboxId = table.Column<int>(type: "integer", nullable: false),
                    NodeId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScanLeases", x => x.MailboxId);
                    table.ForeignKey(
                        name: "FK_ScanLeases_Mailboxes_MailboxId",
                        column: x => x.MailboxId,
                        principalTable: "Mailboxes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ScanLeases_NodeId",
                table: "ScanLeases",
                column: "NodeId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AppNodes");

            migrationBuilder.DropTable(
                name: "ScanLeases");

            migrationBuilder.DropColumn(
                name: "NodeId",
                table: "ScanRuns");
        }
    }
}
