using Domain.Persistence.Functions;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Domain.Persistence.Migrations
{
    /// <summary>
    /// The functions the compatibility shim created in <c>auth</c> on plain PostgreSQL run with an empty search path,
    /// as every function of ours does; Supabase's own functions (no shim marker) are left alone.
    /// </summary>
    public partial class ShimFunctionsFixedSearchPath : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.FixShimFunctionSearchPaths();
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.ResetShimFunctionSearchPaths();
        }
    }
}
