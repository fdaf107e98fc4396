#!/usr/bin/env python3
"""Measures Gatehouse with a large directory (issue 10): start to ready, resident memory, a one-user change from
the CLI and the delay until a running server enforces it (with the CPU that costs the server), and the admin
commands people wait on. The dataset comes from scripts/dataset.py.

    scripts/bench-directory.py --binary .build/release/gatehouse --users 100000
    scripts/bench-directory.py --binary OLD --binary NEW --users 100000     # two builds, same dataset, same run

With `--postgres URL` the database is a scratch PostgreSQL database and a second server node runs beside the first;
the delay is measured on the node the CLI did not talk to (no node is talked to: both learn from the database).

Beyond the CLI: the access decision's p99 with a cold and a warm user cache, and a burst of `--burst` one-user
changes through the admin library (both by `gatehouse-decision-bench`, built from the same tree), with the delay
until the watched node enforces the last one and client-credentials throughput on that node during the burst as a
ratio of before it (wrk, `bench-cc`).
"""

import argparse
import base64
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import dataset as datasets  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def run(command, environment, stdin=None, accept=(0,)):
    """Runs a command; returns (seconds, stdout)."""
    start = time.monotonic()
    process = subprocess.Popen(command, env=environment, stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = process.communicate(stdin)
    seconds = time.monotonic() - start
    if process.returncode not in accept:
        raise SystemExit(f"{' '.join(command)} failed: {err[-2000:]}")
    return seconds, out


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, binary, database, environment):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        started = time.monotonic()
        self.process = subprocess.Popen(
            [binary, "serve", "--port", str(self.port), "--issuer", self.base, "--database", database],
            env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            try:
                if requests.get(self.base + "/readyz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                raise SystemExit("the server exited while starting")
            time.sleep(0.01)
        self.ready_seconds = time.monotonic() - started

    def token_status(self):
        response = requests.post(self.base + "/token", data={"grant_type": "client_credentials"},
                                 auth=("bench-app", datasets.SECRET), timeout=5)
        return response.status_code

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def wrk_start(url, environment, connections=32, threads=2):
    """wrk posting client credentials until stopped (SIGINT makes it report)."""
    script = ROOT / "Benchmarks" / "wrk" / "token.lua"
    return subprocess.Popen(["wrk", f"-t{threads}", f"-c{connections}", "-d600s", "-s", str(script), url],
                            env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wrk_stop(process):
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=30)
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(match.group(1)) if match else 0.0


def measure(binary, database, environment, changes, decision_bench, burst, load_seconds, full_list):
    results = {}
    def cli(*arguments):
        # `access explain` exits 3 when access is refused: an answer, not a failure.
        return run([binary, *arguments, "--database", database], environment, accept=(0, 3))
    nodes = [Server(binary, database, environment)]
    if database.startswith("postgres"):
        nodes.append(Server(binary, database, environment))
    watched = nodes[-1]
    try:
        results["ready_s"] = watched.ready_seconds
        time.sleep(2)
        results["rss_idle_mib"] = rss_mib(watched.process.pid)
        assert watched.token_status() == 200, "bench-app should get a token for u1"
        delays, cli_times, cpu_costs = [], [], []
        for index in range(changes):
            verb, expected = ("deactivate", 400) if index % 2 == 0 else ("activate", 200)
            # The server's CPU over a quiet second, then over the change and a second after it is enforced.
            before = cpu_seconds(watched.process.pid)
            time.sleep(1)
            idle = cpu_seconds(watched.process.pid) - before
            before = cpu_seconds(watched.process.pid)
            window = time.monotonic()
            seconds, _ = cli("users", verb, "u1", *(["--yes"] if verb == "deactivate" else []))
            returned = time.monotonic()
            while watched.token_status() != expected:
                if time.monotonic() - returned > 30:
                    raise SystemExit(f"{verb} u1 not enforced within 30 s")
                time.sleep(0.002)
            delays.append(time.monotonic() - returned)
            cli_times.append(seconds)
            time.sleep(1)
            elapsed = time.monotonic() - window
            cpu_costs.append(max(0.0, cpu_seconds(watched.process.pid) - before - idle * elapsed))
        results["cli_change_s"] = sorted(cli_times)[len(cli_times) // 2]
        results["enforced_after_cli_s"] = sorted(delays)[len(delays) // 2]
        results["server_cpu_per_change_s"] = sorted(cpu_costs)[len(cpu_costs) // 2]
        results["rss_after_changes_mib"] = rss_mib(watched.process.pid)
        results["explain_s"], _ = cli("access", "explain", "--user", "u2", "--app", "App 0")
        results["users_list_s"] = cli("users", "list")[0] if full_list else None
        try:
            results["list_page_s"], _ = cli("users", "list", "--limit", "100", "--after", "u5")
        except SystemExit:  # a build from before paging
            results["list_page_s"] = None
        # The impact of blocking App 0: every user it is granted to (about 11 % of them) would lose it.
        results["impact_preview_s"], preview = cli("apps", "set-policy", "App 0", "--blocked", "on", "--dry-run")
        found = re.search(r"Impact: (\d+) users", preview)
        results["impact_users"] = int(found.group(1)) if found else None

        # The decision as a node makes it, with the user read from this database: cold, then warm.
        _, out = run([decision_bench, "--database", database, "--samples", "20000"], environment)
        results["decision_cold_p99_us"] = float(re.search(r"cold cache.*p99 ([\d.]+)", out).group(1))
        results["decision_warm_p99_us"] = float(re.search(r"warm cache.*p99 ([\d.]+)", out).group(1))

        # A burst of one-user changes (each flips a user's active flag; the last flips u1, bench-app's run-as
        # user): first on a quiet node, for the CPU each change costs it; then again (undoing the first) while the
        # node serves client credentials, against the same load without changes.
        def run_burst(expected_status):
            _, out = run([decision_bench, "--database", database, "--burst", str(burst)], environment)
            returned = time.monotonic()
            while watched.token_status() != expected_status:
                if time.monotonic() - returned > 30:
                    raise SystemExit("the burst's last change was not enforced within 30 s")
                time.sleep(0.002)
            return json.loads(out)["perSecond"], time.monotonic() - returned

        cpu_before = cpu_seconds(watched.process.pid)
        results["burst_per_s"], results["burst_last_enforced_s"] = run_burst(400)
        results["burst_node_cpu_per_change_ms"] = (cpu_seconds(watched.process.pid) - cpu_before) * 1000 / burst
        results["rss_after_burst_mib"] = rss_mib(watched.process.pid)
        auth = base64.b64encode(f"bench-cc:{datasets.SECRET}".encode()).decode()
        load = dict(environment, BENCH_BODY="grant_type=client_credentials", BENCH_BASIC=auth)
        quiet = wrk_start(watched.base + "/token", load)
        time.sleep(load_seconds)
        results["cc_quiet_per_s"] = wrk_stop(quiet)
        busy = wrk_start(watched.base + "/token", load)
        run_burst(200)
        results["cc_burst_per_s"] = wrk_stop(busy)
        results["cc_burst_ratio"] = results["cc_burst_per_s"] / results["cc_quiet_per_s"]
    finally:
        for node in nodes:
            node.stop()
    return results


LABELS = [
    ("ready_s", "serve: start to ready", "s"),
    ("rss_idle_mib", "server resident memory, idle", "MiB"),
    ("rss_after_changes_mib", "server resident memory, after the changes", "MiB"),
    ("cli_change_s", "`users deactivate u1` (wall)", "s"),
    ("enforced_after_cli_s", "enforced by the server, after the CLI returned", "s"),
    ("server_cpu_per_change_s", "server CPU per change", "s"),
    ("explain_s", "`access explain`", "s"),
    ("list_page_s", "`users list --limit 100 --after u5` (a page)", "s"),
    ("users_list_s", "`users list` (every user)", "s"),
    ("impact_preview_s", "`apps set-policy \"App 0\" --blocked on --dry-run` (impact preview)", "s"),
    ("impact_users", "users in that preview", ""),
    ("decision_cold_p99_us", "decision p99, cold cache (one indexed read)", "µs"),
    ("decision_warm_p99_us", "decision p99, warm cache", "µs"),
    ("burst_per_s", "burst of one-user changes through the admin library", "/s"),
    ("burst_last_enforced_s", "the burst's last change enforced by the watched node, after the burst", "s"),
    ("burst_node_cpu_per_change_ms", "watched node's CPU per change of the burst", "ms"),
    ("rss_after_burst_mib", "server resident memory, after the burst", "MiB"),
    ("cc_quiet_per_s", "client credentials (JWT) on the watched node, quiet", "/s"),
    ("cc_burst_per_s", "client credentials during a second burst", "/s"),
    ("cc_burst_ratio", "during the burst, as a ratio of quiet", "×"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", action="append", required=True, help="repeat to compare builds")
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--profiles", type=int, default=100)
    parser.add_argument("--permission-sets", type=int, default=200)
    parser.add_argument("--apps", type=int, default=50)
    parser.add_argument("--changes", type=int, default=6, help="one-user changes to time (medians reported)")
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a scratch database is created on it")
    parser.add_argument("--burst", type=int, default=1_000, help="one-user changes in the burst")
    parser.add_argument("--load-seconds", type=float, default=5, help="how long the quiet client-credentials run lasts")
    parser.add_argument("--decision-bench", default=str(ROOT / ".build" / "release" / "gatehouse-decision-bench"))
    parser.add_argument("--skip-full-list", action="store_true", help="skip `users list` of every user")
    parser.add_argument("--keep", help="a directory to keep the SQLite databases in and reuse them from (set "
                        "GATEHOUSE_MASTER_KEY to the same key each time); the apply is then timed only once")
    arguments = parser.parse_args()
    if not Path(arguments.decision_bench).exists():
        subprocess.run(["swift", "build", "-c", "release", "--product", "gatehouse-decision-bench"], cwd=ROOT,
                       check=True)

    environment = dict(os.environ, GATEHOUSE_ADMIN_PASSWORD="bench-admin-password", LOG_LEVEL="warning")
    environment.setdefault("GATEHOUSE_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    parts = datasets.parts(datasets.dataset(arguments.users, arguments.profiles, arguments.permission_sets,
                                            arguments.apps))
    columns = []
    with tempfile.TemporaryDirectory() as scratch:
        directory = arguments.keep or scratch
        Path(directory).mkdir(parents=True, exist_ok=True)
        specs = []
        for index, part in enumerate(parts):
            specs.append(Path(directory) / f"dataset-{index}.json")
            specs[-1].write_text(json.dumps(part, separators=(",", ":")))
        for number, binary in enumerate(arguments.binary):
            if arguments.postgres:
                name = f"gatehouse_bench_{os.getpid()}_{number}"
                subprocess.run(["psql", arguments.postgres, "-qc", f"CREATE DATABASE {name}"], check=True)
                database = arguments.postgres.rsplit("/", 1)[0] + "/" + name
            else:
                database = f"sqlite:{directory}/bench-{number}-{arguments.users}.sqlite"
            reused = not arguments.postgres and arguments.keep and Path(database[len("sqlite:"):]).exists()
            applied = None if reused else sum(
                run([binary, "apply", str(spec), "--database", database], environment)[0] for spec in specs)
            results = measure(binary, database, environment, arguments.changes, arguments.decision_bench,
                              arguments.burst, arguments.load_seconds, not arguments.skip_full_list)
            results["apply_s"] = applied
            columns.append((binary, results))
            if arguments.postgres:
                subprocess.run(["psql", arguments.postgres, "-qc", f"DROP DATABASE {name}"], check=True)

    kind = "PostgreSQL, two nodes" if arguments.postgres else "SQLite, one node"
    print(f"\n{arguments.users:,} users, {arguments.profiles} profiles, {arguments.permission_sets} permission sets, "
          f"{arguments.apps} apps; {kind}; medians of {arguments.changes} changes\n")
    print("| | " + " | ".join(Path(binary).name if len(columns) == 1 else binary for binary, _ in columns) + " |")
    print("|---|" + "---:|" * len(columns))
    for key, label, unit in [("apply_s", "`apply` of the dataset", "s")] + LABELS:
        cells = []
        for _, results in columns:
            value = results[key]
            if value is None:
                cells.append("n/a")
                continue
            if unit == "s":
                cells.append(f"{value * 1000:.0f} ms" if value < 1 else f"{value:.1f} s")
            elif unit == "×":
                cells.append(f"{value:.2f}")
            elif unit in ("µs", "ms"):
                cells.append(f"{value:.1f} {unit}")
            else:
                cells.append(f"{value:,.0f} {unit}".strip())
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
