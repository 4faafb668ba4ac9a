#!/usr/bin/env bash
# Builds and runs the C tests of kt.h against a built libkt.so.
#
#   tests/c/run.sh LIBDIR        LIBDIR holds libkt.so (e.g. from
#                                dotnet publish native/Kt.Native.csproj -c Release -o /tmp/ktlib)
#
# 1. kt.h compiles alone as C99 and as C++11 (-Wall -Wextra -Werror -pedantic);
# 2. libkt.so exports every function kt.h declares and nothing else but kt_ symbols (the
#    runtime's DotNetRuntimeDebugHeader and version definitions such as V1.0 are allowed);
# 3. each tests/c/test_*.c is compiled as C99 with the same warnings, linked to LIBDIR's
#    libkt.so, and run.
# The last line sums the programs' "N passed, N failed" lines; a check of steps 1 and 2, or a
# program that does not build, crashes or prints no summary, adds one to the failed count.
# Exits non-zero when anything failed.
set -euo pipefail
shopt -s nullglob

if [[ $# -ne 1 ]]; then
    echo "usage: tests/c/run.sh LIBDIR   (LIBDIR holds libkt.so)" >&2
    exit 2
fi
if [[ ! -f $1/libkt.so ]]; then
    echo "run.sh: no libkt.so in $1" >&2
    exit 2
fi

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
libdir="$(cd "$1" && pwd)"
lib="$libdir/libkt.so"
include="$repo/native/include"
header="$include/kt.h"
build="$repo/artifacts/c-tests"
mkdir -p "$build"

warnings=(-Wall -Wextra -Werror -pedantic)
passed=0
failed=0

fail() {
    echo "FAIL: $*"
    failed=$((failed + 1))
}

echo "== kt.h compiles alone"
printf '#include "kt.h"\n#include "kt.h"\nint kt_header_check(void) { return KT_ABI_VERSION + KT_OK; }\n' >"$build/header_check.c"
if gcc -std=c99 "${warnings[@]}" -I "$include" -fsyntax-only "$build/header_check.c"; then
    echo "ok   kt.h as C99"
else
    fail "kt.h does not compile as C99"
fi
if g++ -std=c++11 "${warnings[@]}" -I "$include" -fsyntax-only -x c++ "$build/header_check.c"; then
    echo "ok   kt.h as C++11"
else
    fail "kt.h does not compile as C++11"
fi

# A NativeAOT runtime cannot be unloaded: dlclose (LuaJIT closing its state) must not unmap it.
if readelf -d "$lib" | grep -q 'NODELETE'; then
    echo "ok   libkt.so is linked with -z nodelete"
else
    fail "libkt.so is not linked with -z nodelete (readelf -d shows no NODELETE flag)"
fi

echo "== exports of $lib"
# "addr T kt_init@@V1.0" -> "T kt_init"; "0000 A V1.0" stays "A V1.0"
exports="$(nm -D --defined-only "$lib" | awk 'NF >= 3 { sub(/@.*/, "", $3); print $2, $3 }')"
unexpected="$(awk '$2 !~ /^kt_/ && $2 != "DotNetRuntimeDebugHeader" && !($1 == "A" && $2 ~ /^V[0-9][0-9.]*$/)' <<<"$exports")"
if [[ -n $unexpected ]]; then
    fail "libkt.so exports symbols that do not start with kt_:"
    sed 's/^/    /' <<<"$unexpected"
else
    echo "ok   every exported symbol starts with kt_ (or is the runtime's debug header or a version)"
fi
exported_kt="$(awk '$2 ~ /^kt_/ { print $2 }' <<<"$exports" | sort -u)"
declared="$(sed -nE 's/^[a-z][a-z_ ]*[ *](kt_[a-z0-9_]+)\(.*/\1/p' "$header" | sort -u)"
missing="$(comm -23 <(echo "$declared") <(echo "$exported_kt"))"
undeclared="$(comm -13 <(echo "$declared") <(echo "$exported_kt"))"
if [[ -n $missing ]]; then
    fail "kt.h declares functions libkt.so does not export:"
    sed 's/^/    /' <<<"$missing"
else
    echo "ok   every function of kt.h is exported ($(wc -l <<<"$declared") functions)"
fi
if [[ -n $undeclared ]]; then
    fail "libkt.so exports kt_ symbols kt.h does not declare (\"what is not declared here is not public\"):"
    sed 's/^/    /' <<<"$undeclared"
else
    echo "ok   every exported kt_ symbol is declared in kt.h"
fi

for source in "$here"/test_*.c; do
    name="$(basename "$source" .c)"
    binary="$build/$name"
    log="$build/$name.log"
    echo "== $name"
    if ! gcc -std=c99 "${warnings[@]}" -g -pthread -I "$include" -I "$here" -o "$binary" "$source" \
        -L "$libdir" -lkt -Wl,-rpath,"$libdir" -lm; then
        fail "$name does not build"
        continue
    fi
    status=0
    # In the build folder, so files the engine writes stay there; no export unless a test asks.
    (cd "$build" && OTEL_TRACES_EXPORTER=none timeout 600 "$binary") 2>&1 | tee "$log" || status=${PIPESTATUS[0]}
    summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1 || true)"
    if [[ -z $summary ]]; then
        fail "$name printed no summary (exit status $status$( ((status > 128)) && echo ", signal $((status - 128))"))"
        continue
    fi
    program_passed="${summary%% passed*}"
    program_failed="${summary#*, }"
    program_failed="${program_failed%% failed}"
    passed=$((passed + program_passed))
    failed=$((failed + program_failed))
    if [[ $status -ne 0 && $program_failed -eq 0 ]]; then
        fail "$name exited with status $status after reporting no failure"
    fi
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
