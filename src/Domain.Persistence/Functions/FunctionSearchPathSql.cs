using Domain.Persistence.MigrationSql;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Domain.Persistence.Functions;

/// <summary>
/// Fixes the search path of the functions the compatibility shim creates in <c>auth</c> on plain PostgreSQL
/// (<c>auth.uid()</c>, <c>auth.role()</c>, <c>auth.jwt()</c>), so that no function of ours resolves names through
/// whatever <c>search_path</c> its caller set. Only functions carrying the shim's marker are changed: on Supabase these
/// functions are Supabase's own and are never touched. With an empty search path the bodies still resolve, because
/// <c>pg_catalog</c> is always searched first.
/// </summary>
public static class FunctionSearchPathSql
{
    private static readonly string[] ShimFunctions = ["auth.uid()", "auth.role()", "auth.jwt()"];

    /// <summary>Sets <c>search_path = ''</c> on each shim function that carries the marker.</summary>
    public static void FixShimFunctionSearchPaths(this MigrationBuilder migrationBuilder)
        => migrationBuilder.Sql(ForEachMarkedShimFunction(function => $"ALTER FUNCTION {function} SET search_path = '';"));

    /// <summary>Reverses <see cref="FixShimFunctionSearchPaths"/>.</summary>
    public static void ResetShimFunctionSearchPaths(this MigrationBuilder migrationBuilder)
        => migrationBuilder.Sql(ForEachMarkedShimFunction(function => $"ALTER FUNCTION {function} RESET search_path;"));

    private static string ForEachMarkedShimFunction(Func<string, string> statement) => $$"""
        DO $search_path$
        DECLARE
            marker constant text := '{{SupabaseCompatibility.Marker}}';
        BEGIN
        {{string.Join("\n", ShimFunctions.Select(function => $"""
                IF to_regprocedure('{function}') IS NOT NULL AND pg_catalog.obj_description('{function}'::regprocedure, 'pg_proc') = marker THEN
                    {statement(function)}
                END IF;
            """))}}
        END
        $search_path$;
        """;
}
