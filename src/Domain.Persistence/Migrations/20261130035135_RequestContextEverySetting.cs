using Domain.Persistence.Migrations.Sql;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Domain.Persistence.Migrations
{
    /// <summary>
    /// <c>domain_private.set_request_context</c> sets every setting the claims statement sets (among them
    /// <c>request.jwt.claim</c>, which <c>auth.jwt()</c> reads first, and <c>request.jwt.claim.email</c>), with a fixed
    /// search path and checks on the <c>sub</c> and the size of the claims.
    /// </summary>
    public partial class RequestContextEverySetting : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.ReplaceRequestContextProcedureWithEverySetting();
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropRequestContextProcedure();
            migrationBuilder.CreateRequestContextProcedure();
        }
    }
}
