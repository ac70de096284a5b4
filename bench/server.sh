#!/usr/bin/env bash
# Throughput and latency of `awsmfa exec --server`'s endpoint answering from memory (the cached
# case every SDK request in a long job hits), measured with wrk from inside the command.
# Writes docs/benchmarks-server.md.
#
#   bench/server.sh                      # packs and installs awsmfa (Native AOT) into a temp folder
#   AWSMFA=/path/to/awsmfa bench/server.sh
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
duration=${DURATION:-10s}
connections=${CONNECTIONS:-16}
out=${OUT:-$here/docs/benchmarks-server.md}

command -v wrk >/dev/null 2>&1 || { echo "bench: installing wrk (Debian package)" >&2; apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }

# shellcheck source=bench/lib.sh
. "$here/bench/lib.sh"
bench_awsmfa
bench_home

bench_moto

"$awsmfa" exec --server --profile benchrole -t 123456 -q -- sh -c \
  "wrk -t 2 -c $connections -d $duration --latency -H \"Authorization: \$AWS_CONTAINER_AUTHORIZATION_TOKEN\" \"\$AWS_CONTAINER_CREDENTIALS_FULL_URI\"" >"$work/wrk.txt"

python3 - "$work/wrk.txt" "$out" "$connections" "$duration" <<'PY'
import os, platform, re, sys
text, out, connections, duration = open(sys.argv[1]).read(), sys.argv[2], sys.argv[3], sys.argv[4]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
def pct(p):
    m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
errors = re.search(r"Socket errors: (.*)", text)
doc = f"""# Benchmark: the `exec --server` credentials endpoint

Measured by [`bench/server.sh`](../bench/server.sh): `awsmfa exec --server --profile ROLE -- wrk …`,
so the load comes from inside the command, as an SDK's requests would, over loopback. Every
answer is the cached case (credentials in memory, more than the margin left).

Machine: {os.cpu_count()} cores, {platform.system()} {platform.release()}; awsmfa as the installed Native AOT tool;
wrk with 2 threads and {connections} connections for {duration} (wrk and awsmfa share the 2 cores).

| | |
| --- | ---: |
| requests per second | {rps:,.0f} |
| latency p50 | {pct(50):.2f} ms |
| latency p90 | {pct(90):.2f} ms |
| latency p99 | {pct(99):.2f} ms |
| non-2xx answers | {non2xx.group(1) if non2xx else 0} |
| socket errors | {errors.group(1) if errors else "none"} |

An SDK asks once per credentials lifetime (minutes), so this is headroom, not a target.
"""
open(out, "w").write(doc)
print(doc)
PY
