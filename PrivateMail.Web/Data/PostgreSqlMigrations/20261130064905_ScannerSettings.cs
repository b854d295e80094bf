using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateMail.Web.Data.PostgreSqlMigrations
{
    /// <inheritdoc />
    public partial class ScannerSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "SourceSender",
                table: "Tickets",
                type: "character varying(320)",
                maxLength: 320,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EmailAmbiguities",
                columns: table => new
                {
                    EmailId = table.Column<int>(type: "integer", nullable: false),
                    RecordKind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RecordId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    Value = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EmailAmbiguities", x => new { x.EmailId, x.RecordKind, x.RecordId });
                    table.ForeignKey(
                        name: "FK_EmailAmbiguities_Emails_EmailId",
                        column: x => x.EmailId,
                        principalTable: "Emails",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ScannerAdminSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    IntervalMinutes = table.Column<int>(type: "integer", nullable: false),
                    IntervalSeconds = table.Column<int>(type: "integer", nullable: true),
                    BatchSize = table.Column<int>(type: "integer", nullable: false),
                    BatchBytes = table.Column<long>(type: "bigint", nullable: false),
                    MaxMessagesPerRun = table.Column<int>(type: "integer", nullable: false),
                    TimeBudget = table.Column<TimeSpan>(type: "interval", nullable: false),
                    MaxMessageBytes = table.Column<long>(type: "bigint", nullable: false),
                    LockedRetryInterval = table.Column<TimeSpan>(type: "interval", nullable: false),
                    HistoryRetention = table.Column<TimeSpan>(type: "interval", nullable: false),
                    TicketCapPerSenderPerHour = table.Column<int>(type: "integer", nullable: false),
                    AmbiguityPolicy = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScannerAdminSettings", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Tickets_SourceSender_CreatedAt",
                table: "Tickets",
                columns: new[] { "SourceSender", "CreatedAt" },
                filter: "\"SourceSender\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "EmailAmbiguities");

            migrationBuilder.DropTable(
                name: "ScannerAdminSettings");

            migrationBuilder.DropIndex(
                name: "IX_Tickets_SourceSender_CreatedAt",
                table: "Tickets");

            migrationBuilder.DropColumn(
                name: "SourceSender",
                table: "Tickets");
        }
    }
}
