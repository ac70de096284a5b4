#!/usr/bin/env bash
# `awsmfa ec2 list --all-regions` against the AWS CLI's region-by-region loop, on an endpoint
# (bench/fake_aws.py) that answers every call after a fixed delay, as far regions do.
# Writes docs/benchmarks-regions.md.
#
#   AWSMFA=/path/to/awsmfa bench/regions.sh       # else packs and installs awsmfa into a temp folder
#   DELAY=0.3 REGIONS=17 bench/regions.sh
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
delay=${DELAY:-0.3}
count=${REGIONS:-17}
runs=${RUNS:-5}
out=${OUT:-$here/docs/benchmarks-regions.md}

command -v hyperfine >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
command -v aws >/dev/null || { echo "bench: the aws CLI is needed for the comparison" >&2; exit 1; }

# shellcheck source=bench/lib.sh
. "$here/bench/lib.sh"
bench_awsmfa
bench_home

port=$(bench_port)
export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
python3 "$here/bench/fake_aws.py" "$port" "$delay" "$count" &
server_pid=$!
bench_wait_http "$AWS_ENDPOINT_URL/"
"$awsmfa" session get --profile bench -t 123456 -q >/dev/null   # the session, cached: only EC2 is measured
regions=$(python3 "$here/bench/fake_aws.py" --regions "$count")
eval "$("$awsmfa" session get --profile bench -q)"   # the AWS CLI uses the same session

hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/regions.json" \
  -n awsmfa "$awsmfa ec2 list --all-regions --profile bench -o text -q" \
  -n aws-loop "bash -c 'for r in $regions; do aws ec2 describe-instances --region \$r --output text >/dev/null; done'" >/dev/null

python3 - "$work/regions.json" "$out" "$delay" "$count" "$runs" <<'PY'
import json, os, platform, statistics, sys
results, out, delay, count, runs = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
med = {r["command"]: statistics.median(r["times"]) for r in json.load(open(results))["results"]}
a, loop = med["awsmfa"], med["aws-loop"]
doc = f"""# Benchmark: EC2 in every region at once

Measured by [`bench/regions.sh`](../bench/regions.sh) against [`bench/fake_aws.py`](../bench/fake_aws.py),
a loopback endpoint that answers every call after {delay * 1000:.0f} ms, as a far region does; {count} regions,
one instance each. Medians of {runs} runs (hyperfine), {os.cpu_count()} cores, {platform.system()} {platform.release()};
awsmfa as the installed Native AOT tool, its MFA session cached.

| command | median wall time |
| --- | ---: |
| `awsmfa ec2 list --all-regions` (DescribeRegions, then {count} regions at once) | {a:.2f} s |
| the AWS CLI's loop: `for r in …; do aws ec2 describe-instances --region $r; done` | {loop:.2f} s |

awsmfa takes **{loop / a:.1f}×** less time: about DescribeRegions plus the slowest region
({2 * delay:.1f} s of delay), where the loop pays the delay and the CLI's start-up {count} times over
({count * delay:.1f} s of delay alone).
"""
open(out, "w").write(doc)
print(doc)
PY
