using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateMail.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class PrivacyPolicy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ProvenLogin",
                table: "Mailboxes",
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ProvenEmail",
                table: "AspNetUsers",
                type: "TEXT",
                maxLength: 320,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "BindingRuleSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    FreeMailDomains = table.Column<string>(type: "TEXT", nullable: false),
                    OurDomains = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BindingRuleSettings", x => x.Id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BindingRuleSettings");

            migrationBuilder.DropColumn(
                name: "ProvenLogin",
                table: "Mailboxes");

            migrationBuilder.DropColumn(
                name: "ProvenEmail",
                table: "AspNetUsers");
        }
    }
}
