# Another local user against `awsmfa exec --server`: COUNT connections to 127.0.0.1:PORT, each
# having sent half a request line, reopened as the endpoint drops them, until the file STATE.stop
# exists (or 120 s pass). Writes STATE.ready once it first holds them all, and at the end
# STATE.opened: how many connections it opened, and 1 if it was told to stop (0 if it gave up).
# Used by bench/server-idle.sh and by the integration test of the same attack.
#
#   python3 bench/idle_attacker.py PORT COUNT STATE
import os
import resource
import socket
import sys
import time

port, count, state = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
resource.setrlimit(resource.RLIMIT_NOFILE, (count + 100, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
held, opened, ready = [], 0, False
deadline = time.time() + 120
while time.time() < deadline and not os.path.exists(state + ".stop"):
    while len(held) < count:
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        try:
            s.send(b"GET /awsmfa")
        except OSError:
            pass
        held.append(s)
        opened += 1
    if not ready:
        ready = True
        open(state + ".ready", "w").close()
    # Drop what the endpoint closed, so that the count held stays at COUNT.
    alive = []
    for s in held:
        try:
            if s.recv(1, socket.MSG_PEEK) == b"":
                s.close()
                continue
        except BlockingIOError:
            pass
        except OSError:
            s.close()
            continue
        alive.append(s)
    held = alive
    time.sleep(0.05)
with open(state + ".opened", "w") as f:
    f.write(f"{opened} {int(os.path.exists(state + '.stop'))}")
