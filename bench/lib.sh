# Shared by the bench scripts (sourced, not run): a work folder removed at exit with the server
# a script started, the awsmfa under test, a private AWS home, and a free loopback port.

work=$(mktemp -d)
server_pid=""
bench_cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && { wait "$server_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap bench_cleanup EXIT

# $AWSMFA, else awsmfa packed and installed from this checkout (Native AOT where it can).
bench_awsmfa() {
  if [ -n "${AWSMFA:-}" ]; then
    awsmfa=$AWSMFA
  else
    echo "bench: packing and installing awsmfa..." >&2
    dotnet pack "$here" -c Release -o "$work/nupkg" >/dev/null
    dotnet tool install awsmfa --tool-path "$work/tool" --source "$work/nupkg" --prerelease >/dev/null
    awsmfa="$work/tool/awsmfa"
  fi
}

# A private home with the bench profile (long-term keys, an MFA device) and a role profile on it.
bench_home() {
  export HOME="$work/home" AWS_SHARED_CREDENTIALS_FILE="$work/home/.aws/credentials" AWS_CONFIG_FILE="$work/home/.aws/config"
  export AWSMFA_CACHE_DIR="$work/home/.aws/awsmfa/cache" AWS_EC2_METADATA_DISABLED=true
  unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWSMFA_TOKEN_CODE
  mkdir -p "$HOME/.aws"
  serial=arn:aws:iam::123456789012:mfa/bench
  printf '[bench]\naws_access_key_id = AKIABENCHEXAMPLE0001\naws_secret_access_key = bench-secret\n' >"$AWS_SHARED_CREDENTIALS_FILE"
  printf '[profile bench]\nregion = us-east-1\nmfa_serial = %s\n\n[profile benchrole]\nrole_arn = arn:aws:iam::210987654321:role/bench\nsource_profile = bench\n' "$serial" >"$AWS_CONFIG_FILE"
}

bench_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# Waits until an HTTP server answers at $1.
bench_wait_http() {
  python3 - "$1" <<'PY'
import sys, time, urllib.request, urllib.error
for _ in range(300):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1); break
    except urllib.error.HTTPError:
        break
    except OSError:
        time.sleep(0.1)
PY
}

# A moto_server on a free loopback port, stopped at exit; AWS_ENDPOINT_URL points at it.
bench_moto() {
  command -v moto_server >/dev/null || { echo "bench: moto_server is needed (pip install 'moto[server]')" >&2; exit 1; }
  local port
  port=$(bench_port)
  export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
  moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
  server_pid=$!
  bench_wait_http "$AWS_ENDPOINT_URL/moto-api/"
}
