using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateMail.Web.Data.Migrations
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
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AppNodes",
                columns: table => new
                {
                    NodeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Host = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    StartedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SeenAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AppNodes", x => x.NodeId);
                });

            migrationBuilder.CreateTable(
                name: "ScanLeases",
                columns: table => new
                {
                    MailboxId = table.Column<int>(type: "INTEGER", nullable: false),
                    NodeId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
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
