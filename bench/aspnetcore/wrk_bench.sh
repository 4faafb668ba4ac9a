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
# so what tracing loses is the tracer's work, not a receiver's. Each round starts the three
# configurations as fresh processes and warms each up under load, both endpoints in turn, until
# the JIT has compiled no method for a whole turn (tiered compilation goes on for tens of seconds
# on a busy machine, and would otherwise be measured as the tracer's cost); then, per endpoint,
# the three are measured back to back, in turn first, so that they share the machine's load of
# the moment. The report gives medians over the rounds. CPU is the service
# process's (every thread: Kestrel, the thread pool, the exporter) per request; allocated bytes
# are the process's GC.GetTotalAllocatedBytes over the run, per request. After the runs, the
# spans each tracer made and exported over the process's life show what it dropped.
#
#   bench/aspnetcore/wrk_bench.sh [OUTPUT.md]
#   KT_WRK_DURATION (default 10s), KT_WRK_ROUNDS (default 7), KT_WRK_CONNECTIONS (default 64),
#   KT_WRK_WARMUP (each warm-up run, default 2s), KT_WRK_WARMUP_MAX (default 90, seconds)
set -euo pipefail
output="${1:-}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$repo/artifacts/bench-aspnetcore"
duration="${KT_WRK_DURATION:-10s}"
warmup="${KT_WRK_WARMUP:-2s}"
warmup_max="${KT_WRK_WARMUP_MAX:-90}"
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
receiver_port="$(free_port)"
declare -A port pid_of
for config in "${configs[@]}"; do
    port[$config]="$(free_port "$receiver_port" "${port[@]}")"
done
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

# GET a path of a service over /dev/tcp; prints the whole answer.
get() { # $1: config, $2: path
    exec 3<>"/dev/tcp/127.0.0.1/${port[$1]}"
    printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
    cat <&3
    exec 3<&-
}

# "allocated made exported jit" from a service's /stats.
stats() { get "$1" /stats | awk '$1 == "allocated" { print $2, $4, $6, $8 }'; }

# The process's CPU time so far (every thread, those that exited too), in nanoseconds.
cpu_ns() { # $1: pid
    awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f\n", ($14 + $15) * 1000000000 / hz }' "/proc/$1/stat"
}

start_service() { # $1: configuration
    dotnet "$service" "$1" "${port[$1]}" "http://127.0.0.1:$receiver_port" >"$work/$1.log" 2>&1 &
    pid_of[$1]=$!
    for _ in $(seq 400); do listening "${port[$1]}" && return 0; sleep 0.05; done
    echo "wrk_bench.sh: the $1 service does not answer on ${port[$1]}" >&2
    cat "$work/$1.log" >&2
    exit 1
}

stop_service() { # $1: configuration
    kill -TERM "${pid_of[$1]}"
    wait "${pid_of[$1]}" || true
    pid_of[$1]=""
}

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Per configuration and endpoint, one line per round:
# "rps p50 p99 requests errors cpu-µs/request bytes/request"
results="$work/results"
mkdir -p "$results"
run_wrk() { # $1: config, $2: endpoint
    local out="$work/wrk-$1-$2-$round.txt" cpu_before cpu_after before after
    read -r -a before <<<"$(stats "$1")"
    cpu_before="$(cpu_ns "${pid_of[$1]}")"
    wrk -t2 -c"$connections" -d"$duration" --latency "http://127.0.0.1:${port[$1]}/$2" >"$out"
    cpu_after="$(cpu_ns "${pid_of[$1]}")"
    read -r -a after <<<"$(stats "$1")"
    awk -v cb="$cpu_before" -v ca="$cpu_after" -v ab="${before[0]}" -v aa="${after[0]}" '
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
        END { printf "%s %.3f %.3f %d %d %.2f %.1f\n", rps, p50, p99, n, errors, (ca - cb) / n / 1000, (aa - ab) / n }' "$out" >>"$results/$1-$2"
}

# Load on both endpoints in turn until a whole turn compiled no method; prints the seconds it took.
warm_up() { # $1: config
    local jit last=-1 started=$SECONDS
    while :; do
        for endpoint in "${endpoints[@]}"; do
            wrk -t2 -c"$connections" -d"$warmup" "http://127.0.0.1:${port[$1]}/$endpoint" >>"$work/warmup-$1.txt"
        done
        jit="$(stats "$1" | awk '{ print $4 }')"
        [[ $jit == "$last" || $((SECONDS - started)) -ge $warmup_max ]] && break
        last=$jit
    done
    echo $((SECONDS - started))
}

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
nginx -p "$work/receiver/" -c "$work/receiver/nginx.conf" -e "$work/receiver/error.log" &
receiver_pid=$!
for _ in $(seq 200); do listening "$receiver_port" && break; sleep 0.05; done
trap 'kill -TERM "$receiver_pid" "${pid_of[@]}" 2>/dev/null || true' EXIT

for round in $(seq "$rounds"); do
    shift_by=$(((round - 1) % ${#configs[@]}))
    order=("${configs[@]:shift_by}" "${configs[@]:0:shift_by}")
    for config in "${order[@]}"; do
        start_service "$config"
        warm_up "$config" >>"$results/warmup-$config"
    done
    for endpoint in "${endpoints[@]}"; do
        for config in "${order[@]}"; do run_wrk "$config" "$endpoint"; done
    done
    # past both tracers' schedule delay (5 s): what was not exported by then was dropped
    sleep 6
    for config in kt otel; do stats "$config" | awk '{ print $2, $3 }' >>"$results/spans-$config"; done
    for config in "${configs[@]}"; do stop_service "$config"; done
    echo "round $round of $rounds done" >&2
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

col() { awk -v c="$1" '{ print $c }' "$2" | median; }
# The median of each round's own change against "none" (column $1), in percent.
vs_none() { # $1: column, $2: endpoint, $3: config
    paste -d' ' "$results/none-$2" "$results/$3-$2" | awk -v c="$1" '{ print ($(c + 7) - $c) * 100 / $c }' | median
}
diff_none() { # $1: column, $2: endpoint, $3: config
    paste -d' ' "$results/none-$2" "$results/$3-$2" | awk -v c="$1" '{ print $(c + 7) - $c }' | median
}
{
    echo "# Kt.AspNetCore against the OpenTelemetry SDK: what tracing costs an ASP.NET Core service"
    echo
    echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB;" \
        ".NET $(dotnet --version) (workstation non-concurrent GC, as every kt benchmark), Kestrel on loopback;" \
        "wrk -t2 -c$connections -d$duration --latency on each endpoint; fresh processes each round, warmed up until the JIT was done" \
        "($(cat "$results"/warmup-* | median) s of load, median), then measured back to back;" \
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
        read -r made exported <<<"$(awk '{ m += $1; e += $2 } END { print m + 0, e + 0 }' "$results/spans-$config")"
        echo "Spans, $config, over the processes' lives (warm-up included): made $made, exported $exported," \
            "not exported $((made - exported)) ($(awk -v m="$made" -v e="$exported" 'BEGIN { printf "%.2f", m ? (m - e) * 100 / m : 0 }')%)."
    done
    echo "The receiver took $(wc -l <"$work/receiver/otlp.log") OTLP requests, $(awk '$9 != 200' "$work/receiver/otlp.log" | wc -l) of them not answered 200."
} | tee "${output:-/dev/null}"
