# Sourced by the scripts that run nginx on loopback (the demo, the benchmarks): free ports found
# with bash alone, since a fresh Debian has neither curl nor python.

# True when something accepts connections on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints a port nothing listens on, other than the ones given.
free_port() {
    local port taken other
    while :; do
        port=$((20000 + RANDOM % 20000))
        listening "$port" && continue
        taken=0
        for other in "$@"; do [[ $other == "$port" ]] && taken=1; done
        [[ $taken == 0 ]] && break
    done
    echo "$port"
}
