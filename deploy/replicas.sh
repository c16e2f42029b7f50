#!/usr/bin/env bash
# N Streamlit replicas behind nginx on PORT, in the foreground; Ctrl-C or SIGTERM stops them all.
#
#   deploy/replicas.sh 2 8080        # then open http://127.0.0.1:8080
#
# Replica K listens on 127.0.0.1:(PORT+1+K) (REPLICA_BASE_PORT overrides PORT+1). Each replica
# runs its own worker pool (NNLIB_WORKERS each: split the cores, e.g. 16 cores, 4 replicas ->
# NNLIB_WORKERS=4). Needs Debian's nginx (apt-get install nginx). Run from anywhere.
set -euo pipefail

usage() { echo "usage: $0 N PORT   (N replicas ≥ 1, PORT 1-65535)" >&2; exit 2; }
[[ $# -eq 2 && $1 =~ ^[1-9][0-9]*$ && $2 =~ ^[0-9]+$ ]] || usage
count=$1
port=$2
(( port >= 1 && port <= 65535 )) || usage
base=${REPLICA_BASE_PORT:-$((port + 1))}
root=$(cd "$(dirname "$0")/.." && pwd)
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[[ -x $nginx_bin ]] || { echo "nginx not found: apt-get install nginx" >&2; exit 1; }
python=${PYTHON:-python3}

run_dir=$(mktemp -d -t nnlib-replicas.XXXXXX)
mkdir -p "$run_dir/tmp"
pids=()

stop_all() {
    trap - INT TERM EXIT
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$run_dir"
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

# The generated part of the config: one upstream per replica (the others as backups) and
# split_clients spreading new visitors evenly.
{
    for ((k = 0; k < count; k++)); do
        echo "upstream r$k {"
        echo "    server 127.0.0.1:$((base + k)) max_fails=1 fail_timeout=10s;"
        for ((j = 0; j < count; j++)); do
            (( j == k )) || echo "    server 127.0.0.1:$((base + j)) backup;"
        done
        echo "}"
    done
    echo 'split_clients "${request_id}" $new_replica {'
    for ((k = 0; k < count - 1; k++)); do
        printf '    %s%% r%d;\n' "$(awk -v n="$count" 'BEGIN { printf "%.2f", int(10000 / n) / 100 }')" "$k"
    done
    echo "    * r$((count - 1));"
    echo "}"
} > "$run_dir/replicas.conf"
sed "s/@LISTEN@/$port/" "$root/deploy/nginx.conf" > "$run_dir/nginx.conf"

for ((k = 0; k < count; k++)); do
    (cd "$root" && exec "$python" -m streamlit run streamlit_app.py --server.port $((base + k)) \
        --server.address 127.0.0.1 --server.headless true) &
    pids+=($!)
done
# Wait until every replica answers, then put nginx in front.
for ((k = 0; k < count; k++)); do
    for _ in $(seq 1 120); do
        curl -sf "http://127.0.0.1:$((base + k))/_stcore/health" >/dev/null && break
        kill -0 "${pids[$k]}" 2>/dev/null || { echo "replica $k did not start" >&2; exit 1; }
        sleep 0.5
    done
done
"$nginx_bin" -p "$run_dir" -c "$run_dir/nginx.conf" &
nginx_pid=$!
pids+=("$nginx_pid")
echo "nnlib: $count replicas behind nginx on http://127.0.0.1:$port (replica ports $base-$((base + count - 1)))"
# Foreground until nginx ends or a signal comes. A replica that dies is reported and its
# visitors go to the others (nginx's backup servers); the rest keep serving.
running=$count
while true; do
    ended=""
    wait -n -p ended "${pids[@]}" || true
    [[ -z $ended || $ended == "$nginx_pid" ]] && break
    running=$((running - 1))
    echo "nnlib: replica process $ended ended; $running of $count still serve" >&2
    remaining=()
    for pid in "${pids[@]}"; do [[ $pid == "$ended" ]] || remaining+=("$pid"); done
    pids=("${remaining[@]}")
    (( running > 0 )) || break
done
