# Sourced by the scripts that run nginx on loopback (the demo, the benchmarks): free ports found
# with bash alone, since a fresh Debian has neither curl nor python.

# True when something accepts connections on 127.0.0.1:$1.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints a port nothing listens on, other than the ones given. It is taken below the kernel's
# ephemeral range (ip_local_port_range), from which every outgoing connection (wrk's, nginx's to
# its upstreams, the exporter's) takes its local port: a port picked inside that range may be a
# client socket's by the time nginx binds it ("Address already in use").
free_port() {
    local low high port taken other first=10000
    read -r low high </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || low=32768
    (( low - first >= 1000 )) || first=$((low > 2024 ? low - 1000 : 1024))
    while :; do
        port=$((first + RANDOM % (low - first)))
        listening "$port" && continue
        taken=0
        for other in "$@"; do [[ $other == "$port" ]] && taken=1; done
        [[ $taken == 0 ]] && break
    done
    echo "$port"
}
