"""Run one command and print its wall time, CPU time and peak RSS as JSON (the harness's measuring hand).

A forked child counts its parent's memory in its peak RSS until it execs (ru_maxrss survives exec),
so the harness, which has imported datasets and pyarrow to prepare inputs, does not start commands
itself: this small process does, and reports what wait4 says of the command and its waited-for workers.
"""

import json
import os
import sys
import time

argv = sys.argv[1:]
start = time.perf_counter()
with open(os.devnull, "wb") as devnull:
    pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull.fileno(), 1)])
    _, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
kib = 1024 if sys.platform == "darwin" else 1  # ru_maxrss is bytes on macOS, KiB on Linux
report = {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, "rss_mib": usage.ru_maxrss / kib / 1024}
print(json.dumps({"status": os.waitstatus_to_exitcode(status), **report}))
