# The command under `awsmfa exec --server`, while another local user attacks the endpoint: starts
# the attacker (idle_attacker.py, beside this file) with IDLE connections, waits until it holds
# them, fetches credentials REQUESTS times, then stops it. Prints one line: requests answered
# with credentials, requests made, p50 and p99 in ms, connections the attacker opened, and 1 if
# the attack lasted until the end (0 if the attacker gave up first). Failures go to stderr.
# Used by bench/server-idle.sh and by the integration test of the same attack.
#
#   python3 bench/idle_client.py IDLE REQUESTS STATE
import json
import os
import subprocess
import sys
import time
import urllib.request

url, token = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
idle, requests, state = sys.argv[1], int(sys.argv[2]), sys.argv[3]
attack = os.path.join(os.path.dirname(os.path.abspath(__file__)), "idle_attacker.py")
attacker = subprocess.Popen([sys.executable, attack, url.split(":")[2].split("/")[0], idle, state], env={"PATH": os.environ["PATH"]})
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
    except OSError as e:
        print(e, file=sys.stderr)
    times.append((time.perf_counter() - started) * 1000)
open(state + ".stop", "w").close()
attacker.wait()
times.sort()
opened, lasted = open(state + ".opened").read().split()
print(f"{ok} {requests} {times[len(times) // 2]:.2f} {times[int(len(times) * 0.99) - 1]:.2f} {opened} {lasted}")
