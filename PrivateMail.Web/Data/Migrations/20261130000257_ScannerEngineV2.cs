using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateMail.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScannerEngineV2 : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Duplicates",
                table: "ScanRuns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "NotStored",
                table: "ScanRuns",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "Preview",
                table: "Emails",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            // Lists and record pages read the preview only: fill it for mail stored before.
            migrationBuilder.Sql("UPDATE \"Emails\" SET \"Preview\" = CASE WHEN length(\"TextBody\") <= 2000 THEN \"TextBody\" ELSE substr(\"TextBody\", 1, 2000) || '…' END;");

            migrationBuilder.CreateTable(
                name: "ScanOutcomes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RunId = table.Column<int>(type: "INTEGER", nullable: false),
                    Folder = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Uid = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    EmailId = table.Column<int>(type: "INTEGER", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScanOutcomes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScanOutcomes_ScanRuns_RunId",
                        column: x => x.RunId,
                        principalTable: "ScanRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ScanOutcomes_RunId_Id",
                table: "ScanOutcomes",
                columns: new[] { "RunId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ScanOutcomes");

            migrationBuilder.DropColumn(
                name: "Duplicates",
                table: "ScanRuns");

            migrationBuilder.DropColumn(
                name: "NotStored",
                table: "ScanRuns");

            migrationBuilder.DropColumn(
                name: "Preview",
                table: "Emails");
        }
    }
}
