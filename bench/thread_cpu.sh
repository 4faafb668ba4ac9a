# Sourced by the wrk benchmarks: the CPU time an nginx's workers have spent so far, per kind of
# thread, from each thread's /proc/PID/task/TID/schedstat (nanoseconds on a CPU). The host pays
# for every thread of its workers, not only for the request path:
#
#   worker    the workers' own threads (nginx's event loop, where the request path runs)
#   exporter  kt's exporter thread ("kt-exporter"), which encodes and sends the spans
#   runtime   every other thread: the .NET runtime's (thread pool, sockets, GC, finalizer), or another
#             tracing module's in the benchmark's comparison;
#             the process's whole CPU time (/proc/PID/stat, which keeps the time of threads that
#             have already exited) less the two above
#
#   thread_cpu MASTER_PID   prints "worker exporter runtime" in nanoseconds, summed over the workers

thread_cpu() { # $1: nginx master pid
    local worker task name ns ticks
    local -i on_worker=0 on_exporter=0 process=0 hz
    hz="$(getconf CLK_TCK)"
    for worker in $(pgrep -P "$1"); do
        # utime and stime are fields 14 and 15; the command name (field 2) has no spaces in nginx
        ticks="$(awk '{ print $14 + $15 }' "/proc/$worker/stat" 2>/dev/null)" || continue
        process+=$((ticks * 1000000000 / hz))
        for task in /proc/"$worker"/task/*; do
            name="$(cat "$task/comm" 2>/dev/null)" || continue
            ns="$(cut -d' ' -f1 "$task/schedstat" 2>/dev/null)" || continue
            if [[ ${task##*/} == "$worker" ]]; then
                on_worker+=ns
            elif [[ $name == kt-exporter* ]]; then
                on_exporter+=ns
            fi
        done
    done
    echo "$on_worker $on_exporter $((process - on_worker - on_exporter))"
}

# Microseconds per request from two thread_cpu readings and a request count:
#   cpu_per_request "BEFORE" "AFTER" REQUESTS   prints "worker exporter runtime total"
cpu_per_request() {
    awk -v b="$1" -v a="$2" -v n="$3" 'BEGIN {
        split(b, x, " "); split(a, y, " ")
        w = (y[1] - x[1]) / n / 1000; e = (y[2] - x[2]) / n / 1000; r = (y[3] - x[3]) / n / 1000
        if (r < 0) r = 0   # clock ticks against nanoseconds: the difference can dip below zero
        printf "%.3f %.3f %.3f %.3f\n", w, e, r, w + e + r }'
}
