#!/usr/bin/env bash
# What ngx_http_kt_module costs nginx: requests/s and latency percentiles with wrk on loopback,
# for a proxied location (proxy_pass to an upstream with keepalive) and a bare "return 200", in
# three configurations of the same nginx (2 workers):
#
#   none   the module not loaded
#   off    the module loaded, engine up in every worker, "kt_trace off"
#   on     "kt_trace on", every request sampled, spans exported as OTLP/HTTP protobuf (or gRPC)
#   peer   with KT_WRK_PEER: another tracing module in the same nginx, every request sampled,
#          exporting OTLP/gRPC to the same receiver (nginx's own OpenTelemetry module, nginx-otel)
#
# The upstream and the OTLP receiver are a second nginx (1 worker, no module): "return 200" for
# the app, and for POST /v1/traces, where nginx reads and discards each body and answers 200 (an
# empty ExportTraceServiceResponse), counting batches in its access log; the same for OTLP/gRPC
# on a cleartext HTTP/2 port (the empty response as a 5-byte gRPC message, "grpc-status: 0" as
# its trailer). It costs next to
# nothing per batch, so what "on" loses is the module's and the engine's work, not a receiver's.
# Configurations alternate within each round, each round starting with the next one; the
# report gives the medians. Beside requests/s it gives the CPU time the front's workers spent per
# request, every thread of the worker processes counted (bench/thread_cpu.sh): the event loops,
# kt's exporter thread, and every other thread (the .NET runtime's; nginx-otel's gRPC and export threads).
#
#   bench/nginx/wrk_bench.sh [OUTPUT.md]
#   KT_WRK_DURATION (default 10s), KT_WRK_ROUNDS (default 7), KT_WRK_CONNECTIONS (default 64)
#   KT_WRK_BASELINE=DIR  a fourth configuration, "base": kt_trace on with the module (and the libkt.so
#                     beside it) in DIR, an earlier build, so that before and after share every round
#   KT_WRK_PROTOCOL=http/protobuf|grpc  kt's export protocol (default http/protobuf, grpc with KT_WRK_PEER)
#   KT_WRK_PEER=FILE  a configuration more, "peer": the nginx module FILE (ngx_otel_module.so, built
#                     from nginx-otel's sources for the same nginx) with "otel_trace on" and
#                     "otel_trace_context propagate", exporting to the receiver's gRPC port
#   KT_WRK_PERF=FILE  also records the last round's /proxy run of every configuration with perf
#                     (every CPU, call graphs, libkt.so's symbols from libkt.so.dbg beside it) and
#                     writes a report to FILE: the workers' CPU per request by thread and library in
#                     each configuration, then the traced run's symbols (FILE-baseline.md: the baseline's)
set -euo pipefail
output="${1:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
module="$repo/artifacts/nginx/ngx_http_kt_module.so"
work="$repo/artifacts/bench-nginx"
duration="${KT_WRK_DURATION:-10s}"
rounds="${KT_WRK_ROUNDS:-7}"
connections="${KT_WRK_CONNECTIONS:-64}"
perf_report="${KT_WRK_PERF:-}"
configs=(none off on)
baseline="${KT_WRK_BASELINE:-}"
if [[ -n $baseline ]]; then
    baseline="$(cd "$baseline" && pwd)"
    configs+=(base)
fi
peer="${KT_WRK_PEER:-}"
protocol="${KT_WRK_PROTOCOL:-$([[ -n $peer ]] && echo grpc || echo http/protobuf)}"
if [[ -n $peer ]]; then
    [[ -f $peer ]] || { echo "wrk_bench.sh: no module $peer" >&2; exit 2; }
    peer="$(cd "$(dirname "$peer")" && pwd)/$(basename "$peer")"
    configs+=(peer)
fi
case $protocol in
    http/protobuf) protocol_label="OTLP/HTTP protobuf" ;;
    grpc) protocol_label="OTLP/gRPC" ;;
    *) echo "wrk_bench.sh: KT_WRK_PROTOCOL is http/protobuf or grpc, not $protocol" >&2; exit 2 ;;
esac
locations=(proxy return)

if [[ ! -f $module ]]; then
    echo "wrk_bench.sh: no $module (run ./build.sh nginxmodule)" >&2
    exit 2
fi
rm -rf "$work" && mkdir -p "$work"

source "$repo/bindings/nginx/loopback.sh"
source "$repo/bench/thread_cpu.sh"
front="$(free_port)"
back="$(free_port "$front")"
grpc="$(free_port "$front" "$back")"

temp_paths() { # $1: prefix
    printf '    %s_temp_path %s/tmp/%s;\n' client_body "$1" client_body proxy "$1" proxy \
        fastcgi "$1" fastcgi uwsgi "$1" uwsgi scgi "$1" scgi
}

# The upstream and the receiver, up for the whole run.
mkdir -p "$work/back/tmp"
cat >"$work/back/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/back/nginx.pid;
error_log $work/back/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
$(temp_paths "$work/back")
    keepalive_requests 100000;
    server {
        listen 127.0.0.1:$back;
        location / { return 200 "hello from the app\n"; }
        location = /v1/traces {
            access_log $work/back/otlp.log;
            client_body_buffer_size 1m;
            default_type application/x-protobuf;
            return 200 "";
        }
    }
    server {
        listen 127.0.0.1:$grpc http2;
        location = /opentelemetry.proto.collector.trace.v1.TraceService/Export {
            access_log $work/back/otlp.log;
            client_body_buffer_size 1m;
            default_type application/grpc;
            add_trailer grpc-status 0;
            return 200 "EMPTY_GRPC_MESSAGE";
        }
    }
}
CONF
# an empty message: no compression flag, length 0 (bash strings cannot hold the zero bytes)
sed -i 's/EMPTY_GRPC_MESSAGE/\x00\x00\x00\x00\x00/' "$work/back/nginx.conf"

write_front() { # $1: configuration
    local dir="$work/$1" kt="" load="" endpoint="http://127.0.0.1:$back"
    [[ $protocol == grpc ]] && endpoint="http://127.0.0.1:$grpc"
    mkdir -p "$dir/tmp"
    if [[ $1 == peer ]]; then
        load="load_module $peer;"
        kt="    otel_exporter {
        endpoint 127.0.0.1:$grpc;
    }
    otel_service_name kt-bench;
    otel_trace on;
    otel_trace_context propagate;"
    elif [[ $1 != none ]]; then
        load="load_module $module;"
        [[ $1 == base ]] && load="load_module $baseline/ngx_http_kt_module.so;"
        kt="    kt_exporter {
        endpoint $endpoint;
        protocol $protocol;
    }
    kt_service_name kt-bench;
    kt_sampling_rate 1.0;
    kt_trace_context propagate;
    kt_trace $([[ $1 == off ]] && echo off || echo on);"
    fi
    cat >"$dir/nginx.conf" <<CONF
$load
user root;
worker_processes 2;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log notice;
events { worker_connections 1024; }
http {
    access_log off;
$(temp_paths "$dir")
    keepalive_requests 100000;
$kt
    upstream app {
        server 127.0.0.1:$back;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$front;
        location /proxy {
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_pass http://app;
        }
        location = /return { return 200 "hello\n"; }
    }
}
CONF
}

start_nginx() { # $1: dir, $2: port; sets started
    nginx -p "$1/" -c "$1/nginx.conf" -e "$1/error.log" &
    started=$!
    for _ in $(seq 200); do listening "$2" && return 0; sleep 0.05; done
    echo "wrk_bench.sh: nginx in $1 does not answer on $2" >&2
    cat "$1/error.log" >&2
    exit 1
}

quit_nginx() { # $1: pid
    kill -QUIT "$1"
    wait "$1" || true
}

to_ms() { # wrk's "1.23ms", "812.00us", "1.02s" -> milliseconds
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
        else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
        else { printf "%s", v } }'
}

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Per configuration and location, one line per round:
# "rps p50 p90 p99 requests errors cpu-worker cpu-exporter cpu-runtime cpu-total" (CPU in µs per request).
results="$work/results"
mkdir -p "$results"
run_wrk() { # $1: config, $2: location, $3: the front's master pid
    local out="$work/$1/wrk-$2.txt" before after profiler=""
    if [[ -n $perf_report && $2 == proxy && $round == "$rounds" ]]; then
        perf record -a -g -F 999 -o "$work/perf-$1.data" -- sleep "${duration%s}" 2>"$work/perf.log" &
        profiler=$!
    fi
    before="$(thread_cpu "$3")"
    wrk -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$front/$2" >"$out"
    after="$(thread_cpu "$3")"
    local rps p50 p90 p99 requests errors
    rps="$(awk '/Requests\/sec/ { print $2 }' "$out")"
    p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' "$out")")"
    p90="$(to_ms "$(awk '$1 == "90%" { print $2 }' "$out")")"
    p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' "$out")")"
    requests="$(awk '/requests in/ { print $1 }' "$out")"
    errors="$(awk '/Non-2xx/ { n += $NF } /Socket errors/ { gsub(/,/, ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$out")"
    echo "$rps $p50 $p90 $p99 $requests $errors $(cpu_per_request "$before" "$after" "$requests")" >>"$results/$1-$2"
    if [[ -n $profiler ]]; then
        wait "$profiler" || true
        profile_report "$3" "$1" "$requests"
    fi
}

# perf's report of the profiled run: shares of all samples by thread name and library, then
# the front's worker processes (event loops, exporter and runtime threads) by symbol.
profile_report() { # $1: the front's master pid, $2: the configuration, $3: requests in the run
    local workers threads data="$work/perf-$2.data" report="$perf_report"
    workers="$(pgrep -P "$1" | paste -sd,)"
    # -F 999 on every CPU: a sample stands for about 1/999 s of one CPU
    # perf's own --pid filter loses the kernel's samples here: the workers' threads are picked by id
    threads="$(for w in ${workers//,/ }; do ls "/proc/$w/task"; done | paste -sd' ')"
    perf report -i "$data" --no-children --sort pid,dso --stdio -g none -n -t '|' 2>/dev/null |
        awk -F'|' -v n="$3" -v list="$threads" '
            BEGIN { split(list, t, " "); for (i in t) ours[t[i]] = 1 }
            !/^#/ && NF >= 4 {
                for (i = 2; i <= 4; i++) gsub(/^ +| +$/, "", $i)
                tid = $3; sub(/:.*/, "", tid); comm = $3; sub(/^[0-9]+:/, "", comm)
                if (tid in ours) cpu[comm "\t" $4] += $2 }
            END { for (k in cpu) printf "%s\t%.3f\n", k, cpu[k] * 1e6 / 999 / n }' | sort -t$'\t' -k3,3gr >"$results/profile-$2" || true
    [[ $2 == on || $2 == base ]] || return 0
    [[ $2 == base ]] && report="${perf_report%.md}-baseline.md"
    perf report -i "$data" --no-children --sort comm,dso --stdio -g none >"$data.all" 2>/dev/null || true
    perf report -i "$data" --no-children --pid "$workers" --sort comm,dso,sym --stdio -g none >"$data.workers" 2>/dev/null || true
    {
        echo "# perf record -a -g -F 999 over the last round's /proxy run, configuration \"$2\" ($duration)"
        echo
        echo "## every CPU, by thread name and library"
        echo '```'
        grep -v '^#' "$data.all" | grep -v '^$' | head -n 40 || true
        echo '```'
        echo
        echo "## the front's workers (every thread), by thread name, library and symbol"
        echo '```'
        grep -v '^#' "$data.workers" | grep -v '^$' | head -n 80 || true
        echo '```'
    } >"$report"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
start_nginx "$work/back" "$back"
back_pid=$started
trap 'kill -TERM "$back_pid" 2>/dev/null || true' EXIT

for round in $(seq "$rounds"); do
    # each round starts with the next configuration, so none is always first (or last)
    shift_by=$(((round - 1) % ${#configs[@]}))
    order=("${configs[@]:shift_by}" "${configs[@]:0:shift_by}")
    for config in "${order[@]}"; do
        rm -rf "${work:?}/$config"
        write_front "$config"
        start_nginx "$work/$config" "$front"
        pid=$started
        # warm up: connections to the upstream, the engine's first spans
        wrk -t2 -c"$connections" -d2s "http://127.0.0.1:$front/proxy" >"$work/$config/warmup-proxy.txt"
        wrk -t2 -c"$connections" -d2s "http://127.0.0.1:$front/return" >"$work/$config/warmup-return.txt"
        for location in "${locations[@]}"; do run_wrk "$config" "$location" "$pid"; done
        quit_nginx "$pid"
        if grep -E "exited on signal|\[alert\]|\[emerg\]|\[crit\]" "$work/$config/error.log" >&2; then
            echo "wrk_bench.sh: nginx logged the lines above" >&2
            exit 1
        fi
        if [[ $config == on || $config == base ]]; then
            # spans the requests made: a SERVER span each, and a CLIENT span per proxied request
            made="$(cat "$work/$config"/warmup-*.txt "$work/$config"/wrk-*.txt | awk '/requests in/ { print $1 }' | paste -sd' ')"
            read -r wp wr mp mr <<<"$made"
            echo "$(( (wp + mp) * 2 + wr + mr ))" >>"$results/spans-expected-$config"
            grep -ho "kt: worker exit: .*" "$work/$config/error.log" | awk -F'[:,] *' '{
                for (i = 1; i <= NF; i++) {
                    if ($i == "spans exported") e += $(i + 1)
                    if ($i == "dropped for want of a slot") s += $(i + 1)
                    if ($i == "of queue space") q += $(i + 1)
                    if ($i == "failed to export") f += $(i + 1)
                } } END { print e + 0, s + 0, q + 0, f + 0 }' >>"$results/spans-counted-$config"
        fi
        if [[ $config == peer ]]; then
            # each worker logs its running count of drops, at most once a second: the last one counts
            awk '/OTel dropped records: / { split($4, p, "#"); d[p[1]] = $NF } /OTel export failure/ { f++ }
                END { for (w in d) n += d[w]; print n + 0, f + 0 }' "$work/$config/error.log" >>"$results/spans-peer"
        fi
    done
    echo "round $round of $rounds done" >&2
done
quit_nginx "$back_pid"
trap - EXIT
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

col() { awk -v c="$1" '{ print $c }' "$2" | median; }

# The profiled runs side by side: each thread kind's and library's CPU per request, in front of
# the traced run's own report, so that what a configuration adds can be placed.
if [[ -n $perf_report ]]; then
    by_part="$(
        echo "# perf record -a -g -F 999 over the last round's /proxy run of each configuration ($duration)"
        echo
        echo "The front's worker processes (every thread): CPU µs per request by thread name and library, from"
        echo "the samples (one stands for about 1/999 s of a CPU) over the requests wrk completed in that run."
        echo "A VM's sampling lands on the point where interrupts are enabled again, so the kernel's part is"
        echo "where the kernel spent its time, not which function."
        echo
        printf '| thread | library |'; printf ' %s |' "${configs[@]}"; echo
        printf '|---|---|'; printf -- '---:|%.0s' "${configs[@]}"; echo
        for config in "${configs[@]}"; do
            [[ -f $results/profile-$config ]] && awk -F'\t' -v c="$config" '{ print $1 "\t" $2 "\t" c "\t" $3 }' "$results/profile-$config"
        done | awk -F'\t' -v list="${configs[*]}" '
            { key = $1 "\t" $2; if (!(key in seen)) { seen[key] = 1; keys[++k] = key } v[key, $3] = $4; total[$3] += $4 }
            END {
                n = split(list, cs, " ")
                for (i = 1; i <= k; i++) {
                    split(keys[i], part, "\t"); big = 0
                    for (j = 1; j <= n; j++) if (v[keys[i], cs[j]] >= 0.05) big = 1
                    if (!big) continue
                    printf "| %s | %s |", part[1], part[2]
                    for (j = 1; j <= n; j++) printf " %.2f |", v[keys[i], cs[j]]
                    printf "\n"
                }
                printf "| all | |"; for (j = 1; j <= n; j++) printf " %.2f |", total[cs[j]]; printf "\n"
            }'
        echo
    )"
    if [[ -f $perf_report ]]; then
        { echo "$by_part"; echo; cat "$perf_report"; } >"$perf_report.new" && mv "$perf_report.new" "$perf_report"
    else
        echo "$by_part" >"$perf_report"
    fi
fi
{
    echo "# ngx_http_kt_module: what tracing costs nginx"
    echo
    echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB;" \
        "nginx $(nginx -v 2>&1 | cut -d/ -f2) (Debian), 2 workers; wrk -t2 -c$connections -d$duration --latency on loopback;" \
        "median of $rounds rounds, the configurations alternating within each round (in turn first);" \
        "the change against no module is the median of each round's own ratio, which drift between rounds does not move."
    echo "wrk, the two workers, the exporter threads and the upstream/receiver nginx (1 worker) share the $(nproc) cores."
    echo "CPU µs/request: each thread's CPU time over the measured run (bench/thread_cpu.sh) divided by the requests wrk completed;"
    echo "\"added\" is the median of each round's difference from no module."
    echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after."
    echo
    echo "| location | configuration | requests/s | vs. no module, same round | p50 ms | p90 ms | p99 ms | CPU µs/request: workers | kt exporter | other threads | all | added vs. no module, same round |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    for location in "${locations[@]}"; do
        for config in "${configs[@]}"; do
            f="$results/$config-$location"
            case $config in
                none) label="no module" ;;
                off) label="module loaded, kt_trace off" ;;
                on) label="kt_trace on, 100%, $protocol_label" ;;
                base) label="the same, the baseline build" ;;
                peer) label="nginx-otel, otel_trace on, 100%, OTLP/gRPC" ;;
            esac
            rps="$(col 1 "$f")"
            printf '| %s | %s | %.0f | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "/$location" "$label" "$rps" \
                "$(paste -d' ' "$results/none-$location" "$f" | awk '{ print ($11 - $1) * 100 / $1 }' | median | xargs printf '%+.1f%%')" \
                "$(col 2 "$f" | xargs printf '%.2f')" "$(col 3 "$f" | xargs printf '%.2f')" "$(col 4 "$f" | xargs printf '%.2f')" \
                "$(col 7 "$f" | xargs printf '%.2f')" "$(col 8 "$f" | xargs printf '%.2f')" "$(col 9 "$f" | xargs printf '%.2f')" \
                "$(col 10 "$f" | xargs printf '%.2f')" \
                "$(paste -d' ' "$results/none-$location" "$f" | awk '{ print $20 - $10 }' | median | xargs printf '%+.2f')"
        done
    done
    echo
    echo "Requests/s of each round:"
    echo
    for location in "${locations[@]}"; do
        for config in "${configs[@]}"; do
            printf -- '- /%s, %s: %s\n' "$location" "$config" \
                "$(awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $1 }' "$results/$config-$location")"
        done
    done
    echo
    errors="$(cat "$results"/*-proxy "$results"/*-return | awk '{ n += $6 } END { print n + 0 }')"
    echo "Non-2xx responses and socket errors over all runs: $errors."
    batches="$(wc -l <"$work/back/otlp.log")"
    non200="$(awk '$9 != 200' "$work/back/otlp.log" | wc -l)"
    for config in on base; do
        [[ -f $results/spans-counted-$config ]] || continue
        read -r exported no_slot queue_full failed <<<"$(awk '{ e += $1; s += $2; q += $3; f += $4 } END { print e + 0, s + 0, q + 0, f + 0 }' "$results/spans-counted-$config")"
        expected="$(awk '{ n += $1 } END { print n + 0 }' "$results/spans-expected-$config")"
        echo
        echo "Spans with kt_trace on ($config), over all rounds: wrk completed requests worth $expected spans" \
            "(a SERVER span each, a CLIENT span more for /proxy); the workers exported $exported," \
            "dropped $no_slot for want of a slot and $queue_full for want of queue space, and failed to export $failed" \
            "(their counters, logged at exit)."
    done
    if [[ -f $results/spans-peer ]]; then
        read -r peer_dropped peer_failed <<<"$(awk '{ d += $1; f += $2 } END { print d + 0, f + 0 }' "$results/spans-peer")"
        echo
        echo "nginx-otel, over all rounds: its workers logged $peer_dropped spans dropped (\"OTel dropped records\") and" \
            "$peer_failed failed exports (\"OTel export failure\", one line a batch); it keeps no count of spans exported."
    fi
    echo
    echo "The receiver took $batches OTLP requests, $non200 of them not answered 200."
} | tee "${output:-/dev/null}"
