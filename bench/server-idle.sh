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

cat >"$work/client.py" <<'PY'
# The command: waits until the attacker holds its connections, then fetches credentials.
import os, sys, time, urllib.request, json, subprocess
url, token = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
port, idle, requests, state, attack = url.split(":")[2].split("/")[0], sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
attacker = subprocess.Popen([sys.executable, attack, port, idle, state], env={"PATH": os.environ["PATH"]})
while not os.path.exists(state + ".ready"):
    if attacker.poll() is not None:
        sys.exit(f"the attacker ended before it held its connections (exit {attacker.returncode})")
    time.sleep(0.05)
time.sleep(1)
times, ok = [], 0
for _ in range(requests):
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Authorization": token}), timeout=5) as r:
            ok += json.load(r).get("AccessKeyId", "").startswith("ASIA")
    except OSError:
        pass
    times.append((time.perf_counter() - started) * 1000)
open(state + ".stop", "w").close()
attacker.wait()
times.sort()
print(f"{ok} {requests} {times[len(times) // 2]:.2f} {times[int(len(times) * 0.99) - 1]:.2f} {open(state + '.opened').read().split()[0]}")
PY

ulimit -Sn 1024
"$awsmfa" exec --server --profile benchrole -t 123456 -q -- python3 "$work/client.py" "$idle" "$requests" "$work/attack" "$here/bench/idle_attacker.py" >"$work/result.txt"
read -r answered asked p50 p99 opened <"$work/result.txt"
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
