#!/usr/bin/env bash
# Usage: ./build.sh TARGET [extra cake args]   e.g. ./build.sh demo, ./build.sh test
# Targets: Setup, Build, Native, NginxModule, Test (default), Bench, BenchLua, BenchNginx, Demo; see build.cake.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Some CI containers run without HOME; dotnet/NuGet need it.
export HOME="${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}"

target="${1:-default}"
[[ $# -gt 0 ]] && shift
target="${target,,}"   # demo / DEMO -> demo
target="${target^}"    # demo -> Demo (Cake matches case-insensitively too)

dotnet tool restore
exec dotnet cake build.cake --target="$target" "$@"
