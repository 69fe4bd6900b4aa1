"""`make serve`: the Dagster webserver and daemon as two processes over one instance.

`dagster dev` is Dagster's development server (it says so); production is two long-lived
processes over a persistent DAGSTER_HOME: ``dagster-webserver`` (the UI and its GraphQL API)
and ``dagster-daemon run`` (schedules, sensors, the run queue, run monitoring, retention). On a
Linux host the two are systemd units (deploy/systemd/). This command is the same two processes
on one terminal: it writes the instance's dagster.yaml (operations/instance.py), starts both,
stops both on Ctrl-C or SIGTERM, and stops the other (exiting non-zero) when one of them dies,
so a supervisor restarts the pair rather than running half a server.
"""

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

from dagster_project.operations.instance import dagster_home, write_instance_config
from dagster_project.settings import REPO_ROOT, Settings

BIN = Path(sys.executable).parent
WORKSPACE = REPO_ROOT / "workspace.yaml"


def commands(host: str, port: int) -> dict[str, list[str]]:
    return {
        "webserver": [
            str(BIN / "dagster-webserver"),
            "-w",
            str(WORKSPACE),
            "--host",
            host,
            "--port",
            str(port),
        ],
        "daemon": [str(BIN / "dagster-daemon"), "run", "-w", str(WORKSPACE)],
    }


def serve(settings: Settings, host: str, port: int) -> int:
    home = dagster_home()
    if home is None:
        return 1
    print(write_instance_config(settings, home), flush=True)
    processes = {
        name: subprocess.Popen(command, cwd=REPO_ROOT)
        for name, command in commands(host, port).items()
    }
    print(
        f"webserver http://{host}:{port} (pid {processes['webserver'].pid}), "
        f"daemon pid {processes['daemon'].pid}; Ctrl-C stops both",
        flush=True,
    )
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    while not stopping:
        ended = {name: p.returncode for name, p in processes.items() if p.poll() is not None}
        if ended:
            for name, code in ended.items():
                print(f"the {name} exited ({code}): stopping the other", file=sys.stderr)
            status = 1
            break
        time.sleep(1)
    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes.values():
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    return status


def main() -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=settings.serve_host)
    parser.add_argument("--port", type=int, default=settings.serve_port)
    args = parser.parse_args()
    return serve(settings, args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
