#!/usr/bin/env bash
# Adds a migration for both database engines from the one model (or for one: sqlite | postgresql), e.g.
#   scripts/add-migration.sh ScannerSettings             # both
#   scripts/add-migration.sh ScannerSettings postgresql  # only PostgreSQL's twin of an existing SQLite migration
# SQLite's go to PrivateMail.Web/Data/Migrations, PostgreSQL's to Data/PostgreSqlMigrations (each engine sees only its own).
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/add-migration.sh Name [sqlite|postgresql|both]}
which=${2:-both}
dotnet tool restore >/dev/null
dotnet build PrivateMail.Web -c Debug -v q -nologo >/dev/null
if [ "$which" = both ] || [ "$which" = sqlite ]; then
  dotnet ef migrations add "$name" --project PrivateMail.Web --no-build \
    --output-dir Data/Migrations --namespace PrivateMail.Web.Data.Migrations -- --provider Sqlite
fi
if [ "$which" = both ] || [ "$which" = postgresql ]; then
  dotnet ef migrations add "$name" --project PrivateMail.Web --no-build \
    --output-dir Data/PostgreSqlMigrations --namespace PrivateMail.Web.Data.PostgreSqlMigrations -- --provider PostgreSql
fi
