#!/usr/bin/env bash
# Requests per second of an OpenResty location that makes 5 spans per request, against the same
# location without tracing: real Nginx (2 workers) with Debian's lua module, wrk on loopback.
# Two shapes: a handler that only answers (content_by_lua: the worst case, where the spans are
# most of the work) and Kong's shape, Lua in the access phase of a location that proxies to an
# upstream (here a server{} of the same Nginx).
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

source "$repo/bindings/nginx/loopback.sh"
port="$(free_port)"
upstream_port="$(free_port "$port")"

write_conf() { # $1: exporter settings for tracing.init
    cat >"$work/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;
user root;
worker_processes 2;
daemon off;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
env KT_LIBRARY=$libdir/libkt.so;
events { worker_connections 1024; }
http {
    access_log off;
    lua_package_path "$repo/bindings/lua/?.lua;$here/?.lua;;";
    proxy_http_version 1.1;
    proxy_set_header Connection "";
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
                require("spans").five()
                ngx.say("ok")
                require("kt.tracing").end_request()
            }
        }
        location = /proxied-plain {
            access_by_lua_block { return }
            log_by_lua_block { return }
            proxy_pass http://backend/;
        }
        location = /proxied-traced {
            access_by_lua_block { require("spans").five() }
            log_by_lua_block { require("kt.tracing").end_request() }
            proxy_pass http://backend/;
        }
    }
    upstream backend { server 127.0.0.1:$upstream_port; keepalive 32; }
    server {
        listen 127.0.0.1:$upstream_port;
        location / { return 200 "ok\n"; }
    }
}
CONF
}

rps() { # $1: path; prints requests/s
    wrk -t2 -c64 -d"$duration" "http://127.0.0.1:$port$1" | awk '/Requests\/sec/ { print $2 }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

run_mode() { # $1: label, $2: exporter settings; one table row per location shape
    write_conf "$2"
    nginx -p "$work" -c "$work/nginx.conf" &
    local pid=$!
    for _ in $(seq 100); do listening "$port" && break; sleep 0.1; done
    for path in /traced /plain /proxied-traced /proxied-plain; do # warm up the JIT and keepalive
        wrk -t2 -c64 -d2s "http://127.0.0.1:$port$path" >/dev/null
    done
    local shape label plain traced p t
    for shape in "" proxied-; do
        label="answer only (content_by_lua)"
        [[ -n $shape ]] && label="proxied (access_by_lua + proxy_pass)"
        plain=() traced=()
        for _ in $(seq "$rounds"); do
            plain+=("$(rps "/${shape}plain")")
            traced+=("$(rps "/${shape}traced")")
        done
        p="$(printf '%s\n' "${plain[@]}" | median)"
        t="$(printf '%s\n' "${traced[@]}" | median)"
        printf '| %s | %s | %s | %s | %s |\n' "$label" "$1" "$p" "$t" "$(awk -v p="$p" -v t="$t" 'BEGIN { printf "%.1f%%", (p - t) * 100 / p }')"
    done
    kill -QUIT "$pid"; wait "$pid" || true
    if grep -q "exited on signal" "$work/logs/error.log"; then echo "a worker crashed" >&2; exit 1; fi
    if grep -q "init_worker_by_lua" "$work/logs/error.log"; then echo "tracing.init failed:" >&2; cat "$work/logs/error.log" >&2; exit 1; fi
}

{
    echo "# OpenResty: 5 spans per request, requests/s with wrk"
    echo
    echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $(nginx -v 2>&1 | cut -d' ' -f3); Debian's lua module; 2 workers; wrk -t2 -c64 -d$duration on loopback, median of $rounds alternating rounds."
    echo
    echo "| location | kt exporter | no tracing, req/s | 5 spans, req/s | fewer req/s |"
    echo "|---|---|---:|---:|---:|"
    run_mode "none (the request's own cost)" 'exporter = "none"'
    run_mode "OTLP JSON file (with the export)" "exporter = \"otlp\", file = \"$work/spans.jsonl\""
    echo
    echo "Batches written to the file: $(wc -l <"$work/spans.jsonl" 2>/dev/null || echo 0). Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "${output:-/dev/null}"
