#!/usr/bin/env bash
# Requests per second of an OpenResty location that makes 5 spans per request, against the same
# location without tracing: real Nginx (2 workers) with Debian's lua module, wrk on loopback.
# kt runs in two ways: the "none" exporter (only the request's own cost) and OTLP JSON to a file
# (the exporter thread's encoding and writing share the machine's cores with Nginx and wrk).
#
#   bench/lua/wrk_bench.sh LIBDIR [OUTPUT.md]     LIBDIR holds libkt.so
set -euo pipefail
libdir="$(cd "$1" && pwd)"
output="${2:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$repo/artifacts/bench-nginx-lua"
duration="${KT_WRK_DURATION:-10s}"
rounds="${KT_WRK_ROUNDS:-3}"
rm -rf "$work" && mkdir -p "$work/logs"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=$((20000 + RANDOM % 20000))
while listening "$port"; do port=$((20000 + RANDOM % 20000)); done

write_conf() { # $1: exporter settings for tracing.init
    cat >"$work/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;
worker_processes 2;
daemon off;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
env KT_LIBRARY=$libdir/libkt.so;
events { worker_connections 1024; }
http {
    access_log off;
    lua_package_path "$repo/bindings/lua/?.lua;;";
    init_worker_by_lua_block { assert(require("kt.tracing").init { $1 }) }
    server {
        listen 127.0.0.1:$port;
        location = /plain {
            content_by_lua_block {
                ngx.say("ok")
            }
        }
        location = /traced {
            content_by_lua_block {
                local tracing = require "kt.tracing"
                local root = tracing:start_span("request", { span_kind = tracing.SPAN_KIND.SERVER })
                tracing.set_active_span(root)
                for i = 1, 3 do
                    local step = tracing:start_span("step")
                    step:set_attribute("step.index", i)
                    step:finish()
                end
                local db = tracing:start_span("db.query", { span_kind = tracing.SPAN_KIND.CLIENT })
                db:set_attribute("db.system", "postgresql")
                db:finish()
                ngx.say("ok")
                root:set_attribute("http.response.status_code", 200)
                root:finish()
                tracing.end_request()
            }
        }
    }
}
CONF
}

rps() { # $1: path; prints requests/s
    wrk -t2 -c64 -d"$duration" "http://127.0.0.1:$port$1" | awk '/Requests\/sec/ { print $2 }'
}

run_mode() { # $1: label, $2: exporter settings
    write_conf "$2"
    nginx -p "$work" -c "$work/nginx.conf" &
    local pid=$!
    for _ in $(seq 100); do listening "$port" && break; sleep 0.1; done
    wrk -t2 -c64 -d2s "http://127.0.0.1:$port/traced" >/dev/null # warm up the JIT
    wrk -t2 -c64 -d2s "http://127.0.0.1:$port/plain" >/dev/null
    local plain=() traced=()
    for _ in $(seq "$rounds"); do
        plain+=("$(rps /plain)")
        traced+=("$(rps /traced)")
    done
    kill -QUIT "$pid"; wait "$pid" || true
    if grep -q "exited on signal" "$work/logs/error.log"; then echo "a worker crashed" >&2; exit 1; fi
    local p t
    p="$(printf '%s\n' "${plain[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
    t="$(printf '%s\n' "${traced[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')"
    printf '| %s | %s | %s | %s |\n' "$1" "$p" "$t" "$(awk -v p="$p" -v t="$t" 'BEGIN { printf "%.1f%%", (p - t) * 100 / p }')"
}

{
    echo "# OpenResty: 5 spans per request, requests/s with wrk"
    echo
    echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $(nginx -v 2>&1 | cut -d' ' -f3); Debian's lua module; 2 workers; wrk -t2 -c64 -d$duration on loopback, median of $rounds alternating rounds."
    echo
    echo "| kt exporter | /plain (no tracing) req/s | /traced (5 spans) req/s | fewer req/s |"
    echo "|---|---:|---:|---:|"
    run_mode "none (the request's own cost)" 'exporter = "none"'
    run_mode "OTLP JSON file (with the export)" "exporter = \"otlp\", file = \"$work/spans.jsonl\""
    echo
    echo "Spans written to the file: $(wc -l <"$work/spans.jsonl" 2>/dev/null || echo 0) batches."
} | tee "${output:-/dev/null}"
