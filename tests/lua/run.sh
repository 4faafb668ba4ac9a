#!/usr/bin/env bash
# Runs the Lua tests of kt.tracing (tests/lua/test_*.lua) under OpenResty's LuaJIT, each file in
# its own process, against a built libkt.so:
#
#   tests/lua/run.sh LIBDIR      LIBDIR holds libkt.so
#
# The last line sums the files' "N passed, N failed" lines; a file that crashes or prints no
# summary adds one to the failed count. Exits non-zero when anything failed.
set -uo pipefail
shopt -s nullglob

if [[ $# -ne 1 || ! -f $1/libkt.so ]]; then
    echo "usage: tests/lua/run.sh LIBDIR   (LIBDIR holds libkt.so)" >&2
    exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
export KT_LIBRARY="$(cd "$1" && pwd)/libkt.so"
export LUA_PATH="$repo/bindings/lua/?.lua;$here/?.lua;;"
export OTEL_TRACES_EXPORTER=none
work="$repo/artifacts/lua-tests"
mkdir -p "$work"
export KT_TEST_DIR="$work"

luajit -v
passed=0
failed=0
for test in "$here"/test_*.lua; do
    name="$(basename "$test" .lua)"
    echo "== $name"
    output="$(cd "$work" && timeout 300 luajit "$test" 2>&1)"
    status=$?
    echo "$output"
    summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' <<<"$output" | tail -1)"
    if [[ -z $summary ]]; then
        echo "FAIL $name: exit $status and no summary"
        failed=$((failed + 1))
        continue
    fi
    passed=$((passed + ${summary%% passed*}))
    f="${summary#*, }"
    failed=$((failed + ${f%% failed}))
    if [[ $status -ne 0 && ${f%% failed} -eq 0 ]]; then
        echo "FAIL $name: exit $status"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
