#!/usr/bin/env bash
# The Nginx demo: the system's nginx (2 workers) loads ngx_http_kt_module with the demo's
# nginx.conf, takes some traffic (callers with a W3C traceparent, with B3 headers when the module
# reads them, 404s, a 500, an internal redirect, a subrequest), quits gracefully (SIGQUIT: the
# workers flush at exit), and leaves the spans as OTLP JSON lines in OUTDIR/traces.jsonl.
#
#   bindings/nginx/demo/run.sh [OUTDIR]     OUTDIR: default artifacts/demo (made anew)
#
# Needs artifacts/nginx/ngx_http_kt_module.so (./build.sh nginxmodule). Prints one line per
# request sent; the last line names the file.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
module="$repo/artifacts/nginx/ngx_http_kt_module.so"
out="${1:-$repo/artifacts/demo}"

if [[ ! -f $module ]]; then
    echo "run.sh: no $module (run ./build.sh nginxmodule)" >&2
    exit 2
fi

rm -rf "$out"
mkdir -p "$out"/{logs,tmp,html/assets}
out="$(cd "$out" && pwd)"
echo "kt logo" >"$out/html/assets/logo.txt"

source "$here/../loopback.sh"
front="$(free_port)"
app="$(free_port "$front")"

render() { # $1: the kt_propagation formats
    sed -e "s|@MODULE@|$module|g" -e "s|@PREFIX@|$out|g" -e "s|@FRONT_PORT@|$front|g" \
        -e "s|@APP_PORT@|$app|g" -e "s|@PROPAGATION@|$1|g" "$here/nginx.conf" >"$out/nginx.conf"
}

nginx_cmd=(nginx -p "$out/" -c "$out/nginx.conf" -e "$out/logs/error.log")

# B3 when this module reads it (the formats come to the module one by one); else W3C alone.
b3=1
render "w3c b3"
if ! nginx -p "$out/" -c "$out/nginx.conf" -e "$out/logs/config-test.log" -t >"$out/logs/config-test.out" 2>&1; then
    b3=0
    render "w3c"
    if ! nginx -p "$out/" -c "$out/nginx.conf" -e "$out/logs/config-test.log" -t >"$out/logs/config-test.out" 2>&1; then
        cat "$out/logs/config-test.out" >&2
        exit 1
    fi
fi

"${nginx_cmd[@]}" &
master=$!
trap 'kill -TERM "$master" 2>/dev/null || true' EXIT
for _ in $(seq 200); do
    listening "$front" && break
    if ! kill -0 "$master" 2>/dev/null; then cat "$out/logs/error.log" >&2; exit 1; fi
    sleep 0.05
done
listening "$front" || { echo "run.sh: nginx does not answer on $front" >&2; exit 1; }

# One HTTP/1.1 request over bash's /dev/tcp: prints the status code.
request() { # $1: method, $2: path, $3...: extra header lines
    local method=$1 path=$2 line
    shift 2
    exec 3<>"/dev/tcp/127.0.0.1/$front"
    {
        printf '%s %s HTTP/1.1\r\nHost: demo.local\r\nUser-Agent: kt-demo/1.0\r\n' "$method" "$path"
        local h
        for h in "$@"; do printf '%s\r\n' "$h"; done
        if [[ $method == POST ]]; then
            printf 'Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}'
        else
            printf 'Connection: close\r\n\r\n'
        fi
    } >&3
    IFS= read -r line <&3 || line="HTTP/1.1 000"
    cat <&3 >/dev/null # the rest, until nginx closes: the request is over before the next one
    exec 3>&-
    line="${line%$'\r'}"
    line="${line#* }"
    echo "${line%% *}"
}

sent=0
show() { # $1: what the request shows, then request's arguments
    local case=$1 code
    shift
    code="$(request "$@" "X-Demo-Case: $case")"
    sent=$((sent + 1))
    printf '  %-4s %-24s -> %s   %s\n' "$1" "$2" "$code" "$case"
}

echo "nginx $(nginx -v 2>&1 | cut -d/ -f2) with ngx_http_kt_module, 2 workers: front 127.0.0.1:$front, app 127.0.0.1:$app"
echo "requests:"
show "a caller's W3C traceparent" GET /api/users/42 \
    "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" "tracestate: vendor=demo"
show "a new trace" POST /api/orders
show "the app answers 404" GET /api/nothing
show "the app fails with 500" GET /api/fail
show "internal redirect (try_files to @app)" GET /assets/app.css
show "a file from disk, no upstream" GET /assets/logo.txt
show "auth_request subrequest, then proxy" GET /admin/7 "Authorization: Bearer demo"
show "auth_request refuses: 401" GET /admin/7
show "kt_trace off: no span" GET /health
show "a caller that did not sample" GET /api/users/9 \
    "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"
if ((b3)); then
    show "a caller's B3 headers" GET /api/users/b3 \
        "X-B3-TraceId: 80f198ee56343ba864fe8b2a57d3eff7" "X-B3-SpanId: e457b5a2e4d86bd1" "X-B3-Sampled: 1"
else
    echo "  (B3: this build of the module reads W3C trace context only)"
fi

# Some ordinary traffic, spread over both workers (reuseport).
bulk=60
paths=(/api/users/1 /api/users/2 /api/orders /api/nothing /assets/site.js /api/users/3)
for i in $(seq "$bulk"); do
    p="${paths[$((i % ${#paths[@]}))]}"
    if [[ $p == /api/orders ]]; then request POST "$p" >/dev/null; else request GET "$p" >/dev/null; fi
done
sent=$((sent + bulk))
echo "  ... and $bulk more ($(IFS=' '; echo "${paths[*]}"))"

# A graceful quit: the workers finish their requests and flush their spans at exit.
kill -QUIT "$master"
wait "$master" || { echo "run.sh: nginx exited with $?" >&2; cat "$out/logs/error.log" >&2; exit 1; }
trap - EXIT
if grep -E "exited on signal|\[alert\]|\[emerg\]" "$out/logs/error.log" >&2; then
    echo "run.sh: nginx logged the lines above" >&2
    exit 1
fi
grep -h "kt: worker" "$out/logs/error.log" | sed 's/^.*kt: /  kt: /' || true
echo "sent $sent requests; spans in ${out#"$repo"/}/traces.jsonl"
