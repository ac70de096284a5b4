#!/usr/bin/env bash
# Try awsmfa without an AWS account: a local AWS emulator (moto_server) on a free loopback port,
# a few EC2 instances, then session get -> ec2 list -> terminate --dry-run -> terminate.
#
#   scripts/demo.sh                  # uses the installed awsmfa (see README), else builds one
#   AWSMFA="dotnet path/awsmfa.dll" scripts/demo.sh
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# Bold only on a terminal: a log or CI output gets the plain line.
if [ -t 2 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s$ %s%s\n' "$bold" "$*" "$plain" >&2; }

command -v moto_server >/dev/null || { echo "demo: moto_server is needed: pip install 'moto[server]'" >&2; exit 1; }

# The tool: $AWSMFA, the installed awsmfa, or one built from this checkout into a temp folder.
if [ -n "${AWSMFA:-}" ]; then
  read -r -a tool <<<"$AWSMFA"
elif command -v awsmfa >/dev/null; then
  tool=(awsmfa)
else
  echo "demo: awsmfa is not installed; building it from $here (a few minutes: a Native AOT build per architecture)..." >&2
  # Only the pack's own warning (no C toolchain: the portable build) is worth showing.
  dotnet pack "$here" -c Release -o "$work/nupkg" | { grep -E 'warning AWSMFA|awsmfa: note:' >&2 || true; }
  dotnet tool install awsmfa --tool-path "$work/tool" --source "$work/nupkg" --prerelease >/dev/null
  tool=("$work/tool/awsmfa")
fi

# A private AWS setup: fake long-term keys and a virtual MFA device. Whatever AWS settings the
# caller's shell holds (AWS_REGION, AWS_PROFILE, keys, endpoints, awsmfa's own) would steer the
# demo elsewhere: none of them reaches it.
while read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(AWS|AWSMFA)_')
export HOME="$work/home" AWS_SHARED_CREDENTIALS_FILE="$work/home/.aws/credentials" AWS_CONFIG_FILE="$work/home/.aws/config"
mkdir -p "$HOME/.aws"
cat >"$AWS_SHARED_CREDENTIALS_FILE" <<'INI'
[demo]
aws_access_key_id = AKIADEMOEXAMPLE00001
aws_secret_access_key = demo-long-term-secret-not-real
INI
cat >"$AWS_CONFIG_FILE" <<'INI'
[profile demo]
region = us-east-1
mfa_serial = arn:aws:iam::123456789012:mfa/demo
INI

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
endpoint="http://127.0.0.1:$port"
moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
server_pid=$!
python3 - "$endpoint" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1)
        break
    except OSError:
        time.sleep(0.1)
PY

# Three instances to play with, made through the emulator's API.
ids=$(python3 - "$endpoint" <<'PY'
import sys, boto3
ec2 = boto3.client("ec2", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="AKIAADMIN", aws_secret_access_key="admin")
image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
for name in ("web-1", "web-2", "db-1"):
    r = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                          TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}])
    print(r["Instances"][0]["InstanceId"])
PY
)
first=$(head -n 1 <<<"$ids")

# A function of another name: one called awsmfa would call itself when tool=(awsmfa).
demo_awsmfa() { "${tool[@]}" "$@" --profile demo --endpoint-url "$endpoint"; }

step "awsmfa session get --token-code 123456 -o json   # the code an operator types"
demo_awsmfa session get --token-code 123456 -o json | sed -E 's/("(SecretAccessKey|SessionToken)": ")[^"]*/\1***/'

step "awsmfa ec2 list                                   # served from the cache: no code"
demo_awsmfa ec2 list

step "awsmfa ec2 terminate $first --dry-run"
demo_awsmfa ec2 terminate "$first" --dry-run

step "awsmfa ec2 terminate $first --yes --wait"
demo_awsmfa ec2 terminate "$first" --yes --wait

step "awsmfa ec2 list --state running -o text"
demo_awsmfa ec2 list --state running -o text

step "awsmfa session list"
"${tool[@]}" session list
printf '\ndemo: done; the emulator is stopped and %s removed.\n' "$work" >&2
