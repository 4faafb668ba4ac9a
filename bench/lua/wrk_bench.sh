#!/usr/bin/env bash
# Requests per second of an OpenResty location that makes 5 spans per request, against the same
# location without tracing: real Nginx (2 workers) with Debian's lua module, wrk on loopback.
# Two shapes: a handler that only answers (content_by_lua: the worst case, where the spans are
# most of the work) and Kong's shape, Lua in the access phase of a location that proxies to an
# upstream (here a server{} of the same Nginx).
# kt runs in three ways: the "none" exporter (only the request's own cost), OTLP/HTTP protobuf
# to a receiver on loopback (a second nginx that reads and discards each batch), where the
# export's work shares the machine's cores with Nginx and wrk, and the same with each request
# keeping its finished spans until it ends, as Kong's requests do (keep_request_spans: the spans
# are encoded when the request ends instead of as they finish). Beside requests/s: the CPU time
# per request of every thread of the workers (bench/thread_cpu.sh), traced and untraced. Last,
# the 5 spans' calls timed inside each request, through the binding and straight through the
# FFI (bench/lua/direct_spans.lua, bench/lua/request_timer.lua), and with the kt module loaded,
# how long Lua takes to reach the module's context of a request (bench/lua/module_context.lua).
#
#   bench/lua/wrk_bench.sh LIBDIR [OUTPUT.md]     LIBDIR holds libkt.so
set -euo pipefail
libdir="$(cd "$1" && pwd)"
output="${2:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$repo/artifacts/bench-nginx-lua"
duration="${KT_WRK_DURATION:-10s}"
rounds="${KT_WRK_ROUNDS:-5}"
rm -rf "$work" && mkdir -p "$work/logs"

source "$repo/bindings/nginx/loopback.sh"
source "$repo/bench/thread_cpu.sh"
port="$(free_port)"
upstream_port="$(free_port "$port")"
receiver_port="$(free_port "$port" "$upstream_port")"

# The OTLP/HTTP receiver, in a process of its own so that its work is not the workers'.
mkdir -p "$work/receiver/logs"
cat >"$work/receiver/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/receiver/nginx.pid;
error_log $work/receiver/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $work/receiver/body;
    server {
        listen 127.0.0.1:$receiver_port;
        location = /v1/traces {
            access_log $work/receiver/otlp.log;
            client_body_buffer_size 1m;
            default_type application/x-protobuf;
            return 200 "";
        }
    }
}
CONF
nginx -p "$work/receiver" -c "$work/receiver/nginx.conf" &
receiver_pid=$!
trap 'kill -QUIT "$receiver_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do listening "$receiver_port" && break; sleep 0.1; done

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
    lua_shared_dict kt_request_timer 64k;
    init_worker_by_lua_block { assert(require("kt.tracing").init { $1 }) }
    exit_worker_by_lua_block {
        local tracing = require("kt.tracing")
        tracing.flush(5000)
        local c = tracing.counters()
        ngx.log(ngx.WARN, "kt-lua-bench: exported ", tostring(c.spans_exported), ", dropped for want of a slot ",
            tostring(c.dropped_no_slot), ", of queue space ", tostring(c.dropped_queue_full), ", failed ", tostring(c.export_failed_spans))
    }
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
        location = /timed-binding {
            access_by_lua_block { require("request_timer").time("binding", require("spans").five) }
            log_by_lua_block { require("kt.tracing").end_request() }
            proxy_pass http://backend/;
        }
        location = /timed-direct {
            access_by_lua_block { require("request_timer").time("direct", require("direct_spans").five) }
            proxy_pass http://backend/;
        }
        location = /timed-report {
            content_by_lua_block { ngx.say(require("request_timer").report()) }
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

measure() { # $1: path, $2: master pid; prints "requests/s CPU-µs-per-request"
    local out before after
    before="$(thread_cpu "$2")"
    out="$(wrk -t2 -c64 -d"$duration" "http://127.0.0.1:$port$1")"
    after="$(thread_cpu "$2")"
    echo "$(awk '/Requests\/sec/ { print $2 }' <<<"$out") $(cpu_per_request "$before" "$after" "$(awk '/requests in/ { print $1 }' <<<"$out")" | cut -d' ' -f4)"
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
    local shape label round pair p t pc tc fewer added
    for shape in proxied- ""; do
        label="answer only (content_by_lua)"
        [[ -n $shape ]] && label="Kong's shape (access_by_lua + proxy_pass)"
        : >"$work/rounds"
        for round in $(seq "$rounds"); do
            # each round starts with the other location, so neither is always first
            if ((round % 2)); then
                pair="$(measure "/${shape}plain" "$pid") $(measure "/${shape}traced" "$pid")"
            else
                pair="$(measure "/${shape}traced" "$pid")"
                pair="$(measure "/${shape}plain" "$pid") $pair"
            fi
            echo "$pair" >>"$work/rounds"
        done
        p="$(awk '{ print $1 }' "$work/rounds" | median)"
        t="$(awk '{ print $3 }' "$work/rounds" | median)"
        pc="$(awk '{ print $2 }' "$work/rounds" | median)"
        tc="$(awk '{ print $4 }' "$work/rounds" | median)"
        fewer="$(awk '{ print ($1 - $3) * 100 / $1 }' "$work/rounds" | median)"
        added="$(awk '{ print $4 - $2 }' "$work/rounds" | median)"
        printf '| %s | %s | %.0f | %.0f | %.1f%% | %.2f | %.2f | %+.2f |\n' "$label" "$1" "$p" "$t" "$fewer" "$pc" "$tc" "$added"
    done
    kill -QUIT "$pid"; wait "$pid" || true
    if grep -q "exited on signal" "$work/logs/error.log"; then echo "a worker crashed" >&2; exit 1; fi
    if grep -q "init_worker_by_lua" "$work/logs/error.log"; then echo "tracing.init failed:" >&2; cat "$work/logs/error.log" >&2; exit 1; fi
}

# The 5 spans' calls timed inside each request (Kong's shape, no exporter), through the binding
# and straight through the FFI (direct_spans.lua), in alternating rounds: what the binding's Lua
# adds to the calls themselves, in the host's own requests rather than in a loop.
time_calls() {
    write_conf 'exporter = "none"'
    nginx -p "$work" -c "$work/nginx.conf" &
    local pid=$!
    for _ in $(seq 100); do listening "$port" && break; sleep 0.1; done
    local path round
    for path in /timed-binding /timed-direct; do wrk -t2 -c64 -d2s "http://127.0.0.1:$port$path" >/dev/null; done
    curl -s "http://127.0.0.1:$port/timed-report" >/dev/null
    : >"$work/timed"
    for round in $(seq "$rounds"); do
        for path in /timed-binding /timed-direct; do wrk -t2 -c64 -d3s "http://127.0.0.1:$port$path" >/dev/null; done
        curl -s "http://127.0.0.1:$port/timed-report" | awk '{ printf "%s ", $2 } END { print "" }' >>"$work/timed"
    done
    kill -QUIT "$pid"; wait "$pid" || true
    local binding direct ratio
    binding="$(awk '{ print $1 }' "$work/timed" | median)"
    direct="$(awk '{ print $2 }' "$work/timed" | median)"
    ratio="$(awk '{ print $1 / $2 }' "$work/timed" | median)"
    printf 'The 5 spans'"'"' calls timed inside each request (Kong'"'"'s shape, no exporter, clock_gettime around them in access_by_lua; medians of %s rounds, the two alternating): through the binding %s ns a request, straight through the FFI %s ns (direct_spans.lua), %.1f times as long.\n' \
        "$rounds" "$binding" "$direct" "$ratio"
}

# With the kt module loaded: the time a request's Lua takes to reach the module's context, by
# $kt_context and its hex, and by ngx_http_kt_lua_context (bench/lua/module_context.lua), in
# alternating rounds. Skipped when the module was not built (./build.sh nginxmodule).
time_module_context() {
    local module="$repo/artifacts/nginx/ngx_http_kt_module.so"
    if [[ ! -f $module ]]; then
        echo "The module's context from Lua: not measured ($module not built)."
        return
    fi
    local dir="$work/module" round path
    mkdir -p "$dir/logs"
    cat >"$dir/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_lua_module.so;
load_module $module;
user root;
worker_processes 2;
daemon off;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    lua_package_path "$repo/bindings/lua/?.lua;$here/?.lua;;";
    lua_shared_dict kt_request_timer 64k;
    kt_exporter { endpoint http://127.0.0.1:$receiver_port/v1/traces; }
    kt_trace on;
    server {
        listen 127.0.0.1:$port;
        location = /variable { content_by_lua_block { require("request_timer").time("variable", require("module_context").variable) ngx.say("ok") } }
        location = /ffi { content_by_lua_block { require("request_timer").time("ffi", require("module_context").ffi) ngx.say("ok") } }
        location = /timed-report { content_by_lua_block { ngx.say(require("request_timer").report()) } }
    }
}
CONF
    nginx -p "$dir" -c "$dir/nginx.conf" &
    local pid=$!
    for _ in $(seq 100); do listening "$port" && break; sleep 0.1; done
    for path in /variable /ffi; do wrk -t2 -c64 -d2s "http://127.0.0.1:$port$path" >/dev/null; done
    curl -s "http://127.0.0.1:$port/timed-report" >/dev/null
    : >"$dir/timed"
    for round in $(seq "$rounds"); do
        for path in /variable /ffi; do wrk -t2 -c64 -d3s "http://127.0.0.1:$port$path" >/dev/null; done
        # report() lists the names in order: ffi, then variable
        curl -s "http://127.0.0.1:$port/timed-report" | awk '{ printf "%s ", $2 } END { print "" }' >>"$dir/timed"
    done
    kill -QUIT "$pid"; wait "$pid" || true
    if grep -q "exited on signal" "$dir/logs/error.log"; then echo "a worker crashed" >&2; exit 1; fi
    printf 'With the kt module loaded (kt_trace on), a request'"'"'s Lua reaching the module'"'"'s context (medians of %s rounds, alternating): reading $kt_context and its hex %s ns, ngx_http_kt_lua_context (the binding'"'"'s way) %s ns.\n' \
        "$rounds" "$(awk '{ print $2 }' "$dir/timed" | median)" "$(awk '{ print $1 }' "$dir/timed" | median)"
}

{
    echo "# OpenResty: 5 spans per request, requests/s with wrk"
    echo
    echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $(nginx -v 2>&1 | cut -d' ' -f3); Debian's lua module; 2 workers; wrk -t2 -c64 -d$duration on loopback;" \
        "median of $rounds rounds, the two locations alternating within each round; \"fewer\" and \"added\" are medians of each round's own ratio and difference."
    echo "CPU µs/request: the CPU time of every thread of the workers (event loops, kt's exporter, the .NET runtime) over the run, per request."
    echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    echo "| location | kt exporter | no tracing, req/s | 5 spans, req/s | fewer req/s | CPU µs/request, no tracing | 5 spans | added |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    run_mode "none (the request's own cost)" 'exporter = "none"'
    run_mode "OTLP/HTTP protobuf (with the export)" "exporter = \"otlp\", endpoint = \"http://127.0.0.1:$receiver_port/v1/traces\", protocol = \"http/protobuf\""
    run_mode "OTLP/HTTP protobuf, each request keeping its finished spans until it ends (keep_request_spans)" "exporter = \"otlp\", endpoint = \"http://127.0.0.1:$receiver_port/v1/traces\", protocol = \"http/protobuf\", keep_request_spans = true"
    echo
    echo "OTLP requests the receiver answered: $(wc -l <"$work/receiver/otlp.log" 2>/dev/null || echo 0), of them not 200: $(awk '$9 != 200' "$work/receiver/otlp.log" 2>/dev/null | wc -l)." \
        "Spans the workers exported and dropped in the last configuration (their counters at exit): $(grep -ho 'kt-lua-bench: .*' "$work/logs/error.log" | tail -n 2 | paste -sd';')." \
        "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo
    time_calls
    echo
    time_module_context
} | tee "${output:-/dev/null}"
