#!/usr/bin/env bash
# What tracing costs an ASP.NET Core service: requests/s, CPU time and allocated bytes per request
# with wrk on loopback, for the same minimal API (bench/aspnetcore/Kt.AspNetCore.Bench) in three
# configurations:
#
#   none   no tracing
#   kt     Kt.AspNetCore: a SERVER span per request, a CLIENT span per HttpClient request, every
#          span sampled and exported as OTLP/HTTP protobuf
#   otel   the OpenTelemetry SDK with OpenTelemetry.Instrumentation.AspNetCore and .Http, the
#          AlwaysOn sampler and the OTLP exporter (http/protobuf, batch processor's defaults)
#
# and two endpoints: /hello answers a short text (one SERVER span), /chain asks /hello of the same
# service through an IHttpClientFactory client (SERVER, CLIENT and SERVER spans). The OTLP
# receiver is an nginx (1 worker) that reads and discards each POST /v1/traces and answers 200,
# so what tracing loses is the tracer's work, not a receiver's. Each configuration runs in a
# fresh process per round, warmed up, the configurations alternating (each round starting with
# the next); the report gives medians. CPU is the service process's (every thread: Kestrel,
# the thread pool, the exporter) per request; allocated bytes are the process's
# GC.GetTotalAllocatedBytes over the run, per request.
#
#   bench/aspnetcore/wrk_bench.sh [OUTPUT.md]
#   KT_WRK_DURATION (default 10s), KT_WRK_WARMUP (default 3s), KT_WRK_ROUNDS (default 7),
#   KT_WRK_CONNECTIONS (default 64)
set -euo pipefail
output="${1:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$repo/artifacts/bench-aspnetcore"
duration="${KT_WRK_DURATION:-10s}"
warmup="${KT_WRK_WARMUP:-3s}"
rounds="${KT_WRK_ROUNDS:-7}"
connections="${KT_WRK_CONNECTIONS:-64}"
configs=(none kt otel)
endpoints=(hello chain)
service="$here/Kt.AspNetCore.Bench/bin/Release/net10.0/Kt.AspNetCore.Bench.dll"

if [[ ! -f $service ]]; then
    echo "wrk_bench.sh: no $service (run dotnet build $here/Kt.AspNetCore.Bench -c Release)" >&2
    exit 2
fi
rm -rf "$work" && mkdir -p "$work/receiver/tmp"

source "$repo/bindings/nginx/loopback.sh"
app_port="$(free_port)"
receiver_port="$(free_port "$app_port")"

cat >"$work/receiver/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/receiver/nginx.pid;
error_log $work/receiver/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $work/receiver/tmp/client_body;
    proxy_temp_path $work/receiver/tmp/proxy;
    fastcgi_temp_path $work/receiver/tmp/fastcgi;
    uwsgi_temp_path $work/receiver/tmp/uwsgi;
    scgi_temp_path $work/receiver/tmp/scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$receiver_port;
        location = /v1/traces {
            access_log $work/receiver/otlp.log;
            client_body_buffer_size 4m;
            client_max_body_size 64m;
            default_type application/x-protobuf;
            return 200 "";
        }
    }
}
CONF

# GET a path of the service over /dev/tcp; prints the whole answer.
get() { # $1: path
    exec 3<>"/dev/tcp/127.0.0.1/$app_port"
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$1" >&3
    cat <&3
    exec 3<&-
}

# "allocated exported dropped" from the service's /stats.
stats() { get /stats | awk '$1 == "allocated" { print $2, $4, $6 }'; }

# The process's CPU time so far (every thread, those that exited too), in nanoseconds.
cpu_ns() { # $1: pid
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f\n", ($14 + $15) * 1000000000 / hz }' "/proc/$1/stat"
}

start_service() { # $1: configuration; sets pid
    dotnet "$service" "$1" "$app_port" "http://127.0.0.1:$receiver_port" >"$work/$1.log" 2>&1 &
    pid=$!
    for _ in $(seq 400); do listening "$app_port" && return 0; sleep 0.05; done
    echo "wrk_bench.sh: the $1 service does not answer on $app_port" >&2
    cat "$work/$1.log" >&2
    exit 1
}

stop_service() { # $1: pid
    kill -TERM "$1"
    wait "$1" || true
}

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Per configuration and endpoint, one line per round:
# "rps p50 p99 requests errors cpu-µs/request bytes/request exported dropped"
results="$work/results"
mkdir -p "$results"
run_wrk() { # $1: config, $2: endpoint, $3: pid
    local out="$work/wrk-$1-$2-$round.txt" cpu_before cpu_after before after
    read -r -a before <<<"$(stats)"
    cpu_before="$(cpu_ns "$3")"
    wrk -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:$app_port/$2" >"$out"
    cpu_after="$(cpu_ns "$3")"
    read -r -a after <<<"$(stats)"
    awk -v cb="$cpu_before" -v ca="$cpu_after" -v ab="${before[0]}" -v aa="${after[0]}" \
        -v eb="${before[1]}" -v ea="${after[1]}" -v db="${before[2]}" -v da="${after[2]}" '
        function ms(v) {
            if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
            if (v ~ /ms$/) { sub(/ms$/, "", v); return v }
            if (v ~ /s$/) { sub(/s$/, "", v); return v * 1000 }
            return v }
        /Requests\/sec/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /requests in/ { n = $1 }
        /Non-2xx/ { errors += $NF }
        /Socket errors/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
        END { printf "%s %.3f %.3f %d %d %.2f %.1f %d %d\n", rps, p50, p99, n, errors,
              (ca - cb) / n / 1000, (aa - ab) / n, ea - eb, da - db }' "$out" >>"$results/$1-$2"
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
nginx -p "$work/receiver/" -c "$work/receiver/nginx.conf" -e "$work/receiver/error.log" &
receiver_pid=$!
for _ in $(seq 200); do listening "$receiver_port" && break; sleep 0.05; done
trap 'kill -TERM "$receiver_pid" 2>/dev/null || true; [[ -n ${pid:-} ]] && kill -TERM "$pid" 2>/dev/null || true' EXIT

for round in $(seq "$rounds"); do
    shift_by=$(((round - 1) % ${#configs[@]}))
    order=("${configs[@]:shift_by}" "${configs[@]:0:shift_by}")
    for config in "${order[@]}"; do
        start_service "$config"
        # warm up: tiered compilation, connections, the tracer's first spans
        for endpoint in "${endpoints[@]}"; do
            wrk -t2 -c"$connections" -d"$warmup" "http://127.0.0.1:$app_port/$endpoint" >"$work/warmup-$config-$endpoint.txt"
        done
        for endpoint in "${endpoints[@]}"; do run_wrk "$config" "$endpoint" "$pid"; done
        # the spans still queued leave before the next measurement
        sleep 1
        stop_service "$pid"
        pid=""
    done
    echo "round $round of $rounds done" >&2
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

col() { awk -v c="$1" '{ print $c }' "$2" | median; }
# The median of each round's own change against "none" (column $1), in percent.
vs_none() { # $1: column, $2: endpoint, $3: config
    paste -d' ' "$results/none-$2" "$results/$3-$2" | awk -v c="$1" '{ print ($(c + 9) - $c) * 100 / $c }' | median
}
diff_none() { # $1: column, $2: endpoint, $3: config
    paste -d' ' "$results/none-$2" "$results/$3-$2" | awk -v c="$1" '{ print $(c + 9) - $c }' | median
}
{
    echo "# Kt.AspNetCore against the OpenTelemetry SDK: what tracing costs an ASP.NET Core service"
    echo
    echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB;" \
        ".NET $(dotnet --version) (workstation non-concurrent GC, as every kt benchmark), Kestrel on loopback;" \
        "wrk -t2 -c$connections -d$duration --latency after ${warmup} of warm-up per endpoint, a fresh process per configuration and round;" \
        "median of $rounds rounds, the configurations alternating within each round (in turn first)."
    echo "wrk, the service and the receiver nginx share the $(nproc) cores; this machine is shared with other work, so absolute numbers move from run to run."
    echo "Changes against no tracing are the median of each round's own ratio (or difference)."
    echo "Load average (1, 5, 15 min) before: $load_before; after: $load_after."
    echo
    echo "| endpoint | configuration | requests/s | vs. none, same round | p50 ms | p99 ms | CPU µs/request | added vs. none | allocated B/request | added vs. none |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    for endpoint in "${endpoints[@]}"; do
        for config in "${configs[@]}"; do
            f="$results/$config-$endpoint"
            case $config in
                none) label="no tracing" ;;
                kt) label="**kt** (Kt.AspNetCore)" ;;
                otel) label="OpenTelemetry SDK" ;;
            esac
            if [[ $config == none ]]; then
                printf '| /%s | %s | %.0f | | %.2f | %.2f | %.2f | | %.0f | |\n' "$endpoint" "$label" "$(col 1 "$f")" \
                    "$(col 2 "$f")" "$(col 3 "$f")" "$(col 6 "$f")" "$(col 7 "$f")"
            else
                printf '| /%s | %s | %.0f | %+.1f%% | %.2f | %.2f | %.2f | %+.2f | %.0f | %+.0f |\n' "$endpoint" "$label" "$(col 1 "$f")" \
                    "$(vs_none 1 "$endpoint" "$config")" "$(col 2 "$f")" "$(col 3 "$f")" "$(col 6 "$f")" \
                    "$(diff_none 6 "$endpoint" "$config")" "$(col 7 "$f")" "$(diff_none 7 "$endpoint" "$config")"
            fi
        done
    done
    echo
    echo "Requests/s of each round (none / kt / otel):"
    echo
    for endpoint in "${endpoints[@]}"; do
        printf -- '- /%s: %s / %s / %s\n' "$endpoint" \
            "$(awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $1 }' "$results/none-$endpoint")" \
            "$(awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $1 }' "$results/kt-$endpoint")" \
            "$(awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $1 }' "$results/otel-$endpoint")"
    done
    echo
    for endpoint in "${endpoints[@]}"; do
        for config in kt otel; do
            loss="$(vs_none 1 "$endpoint" "$config")"
            echo "- /$endpoint, $config: requests/s $(printf '%+.1f%%' "$loss") against none"
        done
    done
    echo
    errors="$(cat "$results"/*-hello "$results"/*-chain | awk '{ n += $5 } END { print n + 0 }')"
    echo "Non-2xx responses and socket errors over all runs: $errors."
    for config in kt otel; do
        read -r made exported dropped <<<"$(cat "$results/$config-hello" "$results/$config-chain" | awk '{ m += $4 } END { printf "%d ", m }'
            paste -d' ' "$results/$config-hello" "$results/$config-chain" | awk '{ e += $8 + $17; d += $9 + $18 } END { print e, d }')"
        spans="$(awk '{ n += $4 } END { print n }' "$results/$config-hello") + 3 x $(awk '{ n += $4 } END { print n }' "$results/$config-chain")"
        echo "Spans, $config, over the measured runs: requests worth $spans spans; exported while measured (the exporter's count, which lags by at most a batch) $exported; dropped $dropped${config/otel/ (the SDK does not count its drops)}."
    done
    echo "The receiver took $(wc -l <"$work/receiver/otlp.log") OTLP requests, $(awk '$9 != 200' "$work/receiver/otlp.log" | wc -l) of them not answered 200."
} | tee "${output:-/dev/null}"
