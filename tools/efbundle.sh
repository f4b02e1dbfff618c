#!/usr/bin/env bash
# Builds the migration artifacts into artifacts/ (or --output):
#   <rid>/efbundle        a self-contained EF Core migration bundle per runtime identifier
#   migrations.sql        the idempotent SQL script (safe to apply more than once)
#   migrations.sha256     checksums: every migration's source, the script and each bundle
# Usage: tools/efbundle.sh [--runtime linux-x64[,osx-arm64...]]... [--configuration Release]
#                          [--output artifacts] [--self-contained true|false]
# efbundle.ps1 at the repository root is its PowerShell twin.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/src/Domain.Persistence"
runtimes=()
configuration="Release"
output="$root/artifacts"
self_contained="true"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --runtime) IFS=',' read -r -a more <<< "$2"; runtimes+=("${more[@]}"); shift 2 ;;
    --configuration) configuration="$2"; shift 2 ;;
    --output) output="$2"; shift 2 ;;
    --self-contained) self_contained="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "efbundle.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ ${#runtimes[@]} -gt 0 ]] || runtimes=("linux-x64")
case "$self_contained" in true|false) ;; *) echo "efbundle.sh: --self-contained must be true or false" >&2; exit 2 ;; esac
mkdir -p "$output"
output="$(cd "$output" && pwd)"

cd "$root"
dotnet tool restore >/dev/null

for rid in "${runtimes[@]}"; do
  echo "efbundle.sh: bundle for $rid ($configuration, self-contained=$self_contained)"
  mkdir -p "$output/$rid"
  bundle="efbundle"; [[ $rid == win-* ]] && bundle="efbundle.exe"
  dotnet restore "$project" --runtime "$rid" >/dev/null
  dotnet ef migrations bundle \
    --project "$project" --startup-project "$project" \
    --configuration "$configuration" --runtime "$rid" $([[ $self_contained == true ]] && echo --self-contained) \
    --output "$output/$rid/$bundle" --force
done

echo "efbundle.sh: idempotent script"
dotnet ef migrations script --idempotent --project "$project" --startup-project "$project" \
  --configuration "$configuration" --output "$output/migrations.sql"

echo "efbundle.sh: checksum manifest"
manifest="$output/migrations.sha256"
: > "$manifest"
for file in $(printf '%s\n' "$project"/Migrations/*.cs | LC_ALL=C sort); do
  name="$(basename "$file" .cs)"
  case "$name" in *.Designer|*ModelSnapshot) continue ;; esac
  echo "$(sha256sum "$file" | cut -d' ' -f1)  $name" >> "$manifest"
done
echo "$(sha256sum "$output/migrations.sql" | cut -d' ' -f1)  migrations.sql" >> "$manifest"
for rid in "${runtimes[@]}"; do
  bundle="efbundle"; [[ $rid == win-* ]] && bundle="efbundle.exe"
  echo "$(sha256sum "$output/$rid/$bundle" | cut -d' ' -f1)  $rid/$bundle" >> "$manifest"
done
cat "$manifest"
echo "efbundle.sh: artifacts in $output"
