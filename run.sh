#!/usr/bin/env bash
# Starts PrivateMail on http://localhost:5080 with its SQLite database under PrivateMail.Web/data
# (migrations are applied at start-up). Override the folder with PrivateMail__DataDirectory=/some/path.
# ./run.sh --demo-data loads a demo set of CRM records once the first administrator exists.
set -euo pipefail
cd "$(dirname "$0")"
dotnet restore PrivateMail.sln
dotnet build PrivateMail.Web -c Release --no-restore
exec dotnet run --project PrivateMail.Web -c Release --no-build --no-launch-profile -- --urls "${PRIVATEMAIL_URLS:-http://localhost:5080}" "$@"
