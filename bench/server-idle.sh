#!/usr/bin/env bash
# The `exec --server` endpoint under a local denial-of-service attempt: another process holds
# IDLE connections (5,000) that each sent half a request line, while awsmfa runs with a soft
# open-file limit of 1,024; the command meanwhile fetches its credentials REQUESTS times (200).
# Prints how many were answered and how fast; with OUT, writes a Markdown section there.
#
#   bench/server-idle.sh                  # packs and installs awsmfa (Native AOT) into a temp folder
#   AWSMFA=/path/to/awsmfa bench/server-idle.sh
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
idle=${IDLE:-5000}
requests=${REQUESTS:-200}


# shellcheck source=bench/lib.sh
. "$here/bench/lib.sh"
bench_awsmfa
bench_home

bench_moto

ulimit -Sn 1024
"$awsmfa" exec --server --profile benchrole -t 123456 -q -- python3 "$here/bench/idle_client.py" "$idle" "$requests" "$work/attack" >"$work/result.txt" 2>"$work/errors.txt"
read -r answered asked p50 p99 opened _ <"$work/result.txt"
echo "answered $answered of $asked requests while another process held $idle idle connections (it opened $opened in all); p50 $p50 ms, p99 $p99 ms; awsmfa's soft open-file limit 1024" >&2
if [ -n "${OUT:-}" ]; then
  cat >>"$OUT" <<MD

## Under a local denial-of-service attempt

[\`bench/server-idle.sh\`](../bench/server-idle.sh): while another process holds $idle connections to the
endpoint, each having sent half a request line (and reopens each one the endpoint closes), with
awsmfa started under a soft open-file limit of 1,024, the command fetches its credentials $asked times.

| | |
| --- | ---: |
| requests answered | $answered of $asked |
| latency p50 | $p50 ms |
| latency p99 | $p99 ms |
| connections the attacker had to open | $opened |
MD
fi
