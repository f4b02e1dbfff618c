#!/usr/bin/env pwsh
# Builds the migration artifacts into artifacts/ (or -Output):
#   <rid>/efbundle(.exe)  a self-contained EF Core migration bundle per runtime identifier
#   migrations.sql        the idempotent SQL script (safe to apply more than once)
#   migrations.sha256     checksums: every migration's source, the script and each bundle
# The PowerShell twin of tools/efbundle.sh; keep the two doing the same.
# Usage: ./efbundle.ps1 [-Runtime linux-x64,win-x64] [-Configuration Release] [-Output artifacts] [-SelfContained $true]
[CmdletBinding()]
param(
    [string[]] $Runtime = @('linux-x64'),
    [string] $Configuration = 'Release',
    [string] $Output = (Join-Path $PSScriptRoot 'artifacts'),
    [bool] $SelfContained = $true
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

function Invoke-Native {
    param([string] $Command, [string[]] $Arguments)
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "$Command $($Arguments -join ' ') failed with exit code $LASTEXITCODE"
    }
}

$root = $PSScriptRoot
$project = Join-Path $root 'src/Domain.Persistence'
$Runtime = @($Runtime | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
New-Item -ItemType Directory -Force -Path $Output | Out-Null
$Output = (Resolve-Path $Output).Path

Push-Location $root
try {
    Invoke-Native dotnet @('tool', 'restore')

    foreach ($rid in $Runtime) {
        Write-Host "efbundle.ps1: bundle for $rid ($Configuration, self-contained=$SelfContained)"
        $ridOutput = Join-Path $Output $rid
        New-Item -ItemType Directory -Force -Path $ridOutput | Out-Null
        $bundleName = if ($rid -like 'win-*') { 'efbundle.exe' } else { 'efbundle' }
        Invoke-Native dotnet @('restore', $project, '--runtime', $rid)
        $bundleArgs = @('ef', 'migrations', 'bundle',
            '--project', $project, '--startup-project', $project,
            '--configuration', $Configuration, '--runtime', $rid,
            '--output', (Join-Path $ridOutput $bundleName), '--force')
        if ($SelfContained) { $bundleArgs += '--self-contained' }
        Invoke-Native dotnet $bundleArgs
    }

    Write-Host 'efbundle.ps1: idempotent script'
    $script = Join-Path $Output 'migrations.sql'
    Invoke-Native dotnet @('ef', 'migrations', 'script', '--idempotent',
        '--project', $project, '--startup-project', $project,
        '--configuration', $Configuration, '--output', $script)

    Write-Host 'efbundle.ps1: checksum manifest'
    $manifest = Join-Path $Output 'migrations.sha256'
    $lines = [System.Collections.Generic.List[string]]::new()
    $migrations = Get-ChildItem -Path (Join-Path $project 'Migrations') -Filter '*.cs' |
        Where-Object { $_.Name -notlike '*.Designer.cs' -and $_.Name -notlike '*ModelSnapshot.cs' } |
        Sort-Object Name
    foreach ($file in $migrations) {
        $hash = (Get-FileHash -Algorithm SHA256 -Path $file.FullName).Hash.ToLowerInvariant()
        $lines.Add("$hash  $($file.BaseName)")
    }
    $lines.Add("$((Get-FileHash -Algorithm SHA256 -Path $script).Hash.ToLowerInvariant())  migrations.sql")
    foreach ($rid in $Runtime) {
        $bundleName = if ($rid -like 'win-*') { 'efbundle.exe' } else { 'efbundle' }
        $bundle = Join-Path (Join-Path $Output $rid) $bundleName
        $lines.Add("$((Get-FileHash -Algorithm SHA256 -Path $bundle).Hash.ToLowerInvariant())  $rid/$bundleName")
    }
    Set-Content -Path $manifest -Value $lines -Encoding utf8NoBOM
    Get-Content $manifest
    Write-Host "efbundle.ps1: artifacts in $Output"
}
finally {
    Pop-Location
}
