#!/usr/bin/env python3
"""Drives wrk against a release `gatehouse serve` on a scratch SQLite database and reports requests/s, p50 and
p99 latency, and each figure as a ratio of the trivial endpoint (GET /healthz) measured in the same run.

With `--postgres URL` the database is a scratch PostgreSQL database on that server; with `--nodes 2` two server
nodes share it, each driven by its own wrk (the connections and threads split between them), and the rates are
summed."""

import argparse
import base64
import hashlib
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
WRK = ROOT / "Benchmarks" / "wrk"
SECRET = "bench-secret-0123456789abcdef"
CONFIG = f"""
users:
  - username: bench
    email: bench@example.com
    password: bench-password
    profile: System Administrator
connectedApps:
  - name: Bench JWT
    clientId: bench-jwt
    clientSecret: {SECRET}
    grantTypes: [client_credentials]
    scopes: [api]
    accessTokenFormat: jwt
  - name: Bench Opaque
    clientId: bench-opaque
    clientSecret: {SECRET}
    grantTypes: [client_credentials]
    scopes: [api]
    accessTokenFormat: opaque
  - name: Bench Refresh
    clientId: bench-refresh
    clientSecret: {SECRET}
    callbackUrls: [http://127.0.0.1:9/cb]
    grantTypes: [authorization_code, refresh_token]
    scopes: [offline_access, api]
    refreshTokenRotation: true
"""


class Hidden(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden":
            self.fields[attributes["name"]] = attributes.get("value", "")


def hidden_fields(html):
    parser = Hidden()
    parser.feed(html)
    return parser.fields


def basic(client_id):
    return base64.b64encode(f"{client_id}:{SECRET}".encode()).decode()


def seed_refresh_tokens(base, count):
    """Runs the code flow `count` times (one login and consent, then the session carries on)."""
    browser = requests.Session()
    tokens = []
    for index in range(count):
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = {
            "response_type": "code", "client_id": "bench-refresh", "redirect_uri": "http://127.0.0.1:9/cb",
            "scope": "offline_access api", "code_challenge": challenge, "code_challenge_method": "S256",
        }
        response = browser.get(base + "/authorize", params=query, allow_redirects=False)
        if response.status_code == 200 and 'action="/login"' in response.text:
            fields = hidden_fields(response.text)
            fields.update(username="bench", password="bench-password")
            response = browser.post(base + "/login", data=fields, allow_redirects=False)
        if response.status_code == 200 and 'action="/consent"' in response.text:
            fields = hidden_fields(response.text)
            fields["decision"] = "allow"
            response = browser.post(base + "/consent", data=fields, allow_redirects=False)
        location = response.headers["Location"]
        code = re.search(r"[?&]code=([^&]+)", location).group(1)
        token = requests.post(
            base + "/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": "http://127.0.0.1:9/cb",
                  "code_verifier": verifier},
            auth=("bench-refresh", SECRET),
        ).json()
        tokens.append(token["refresh_token"])
    return tokens


def wrk_on_nodes(bases, path, script, environments, duration, connections, threads):
    """The same case on every node at once, each its own wrk with its share of the connections and threads."""
    if len(bases) == 1:
        return wrk(bases[0] + path, script, environments[0], duration, connections, threads)
    results = [None] * len(bases)

    def one(index):
        results[index] = wrk(bases[index] + path, script, environments[index], duration,
                             max(1, connections // len(bases)), max(1, threads // len(bases)))
    workers = [threading.Thread(target=one, args=(index,)) for index in range(len(bases))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {"rate": sum(r["rate"] for r in results), "p50": max(r["p50"] for r in results),
            "p99": max(r["p99"] for r in results), "errors": sum(r["errors"] for r in results)}


def wrk(url, script, environment, duration, connections, threads):
    command = ["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{duration}s"]
    if script:
        command += ["-s", str(WRK / script)]
    output = subprocess.run(
        command + [url], capture_output=True, text=True, env=dict(os.environ, **environment), check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def percentile(label):
        match = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", output)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    refresh_failures = re.search(r"refresh failures: (\d+)", output)
    errors = int(failures.group(1)) if failures else 0
    errors += int(refresh_failures.group(1)) if refresh_failures else 0
    return {"rate": rate, "p50": percentile("50"), "p99": percentile("99"), "errors": errors}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--binary", required=True)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure every case this many times, interleaved; report medians")
    parser.add_argument("--postgres", help="a PostgreSQL server URL; a scratch database is created on it")
    parser.add_argument("--nodes", type=int, default=1, help="server nodes on the one database (PostgreSQL)")
    arguments = parser.parse_args()
    if arguments.nodes > 1 and not arguments.postgres:
        sys.exit("--nodes needs --postgres: SQLite serves one node")

    with tempfile.TemporaryDirectory() as directory:
        scratch = f"gatehouse_bench_{os.getpid()}"
        if arguments.postgres:
            subprocess.run(["psql", arguments.postgres, "-qc", f"CREATE DATABASE {scratch}"], check=True)
            database = arguments.postgres.rsplit("/", 1)[0] + "/" + scratch
        else:
            database = f"sqlite:{directory}/bench.sqlite"
        environment = dict(os.environ, GATEHOUSE_MASTER_KEY=base64.b64encode(os.urandom(32)).decode(),
                           GATEHOUSE_ADMIN_PASSWORD="bench-admin-password", LOG_LEVEL="warning")
        subprocess.run([arguments.binary, "apply", "-", "--database", database], input=CONFIG, text=True,
                       env=environment, check=True, capture_output=True)
        servers, bases = [], []
        for _ in range(arguments.nodes):
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            bases.append(f"http://127.0.0.1:{port}")
            servers.append(subprocess.Popen([arguments.binary, "serve", "--port", str(port), "--issuer", bases[0],
                                             "--database", database], env=environment,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        try:
            for base in bases:
                for _ in range(300):
                    try:
                        if requests.get(base + "/readyz", timeout=1).status_code == 200:
                            break
                    except requests.RequestException:
                        time.sleep(0.1)
            base = bases[0]
            opaque = requests.post(base + "/token", data={"grant_type": "client_credentials"},
                                   auth=("bench-opaque", SECRET)).json()["access_token"]
            jwt = requests.post(base + "/token", data={"grant_type": "client_credentials"},
                                auth=("bench-jwt", SECRET)).json()["access_token"]
            shared = {"BENCH_THREADS": str(max(1, arguments.threads // len(bases)))}
            rounds = []
            for _ in range(arguments.rounds):
                # Each round needs fresh refresh tokens: the previous round's were rotated away; each node's wrk
                # its own, so that no token is presented twice.
                refresh_tokens = [seed_refresh_tokens(base, max(arguments.connections * 2, 64)) for _ in bases]
                cases = [
                    ("GET /healthz (ceiling)", "/healthz", None, lambda node: {}),
                    ("client_credentials, JWT", "/token", "token.lua",
                     lambda node: {"BENCH_BODY": "grant_type=client_credentials", "BENCH_BASIC": basic("bench-jwt")}),
                    ("client_credentials, opaque (stored)", "/token", "token.lua",
                     lambda node: {"BENCH_BODY": "grant_type=client_credentials",
                                   "BENCH_BASIC": basic("bench-opaque")}),
                    ("introspection (opaque token)", "/introspect", "token.lua",
                     lambda node: {"BENCH_BODY": f"token={opaque}", "BENCH_BASIC": basic("bench-opaque")}),
                    ("introspection (JWT access token)", "/introspect", "token.lua",
                     lambda node: {"BENCH_BODY": f"token={jwt}", "BENCH_BASIC": basic("bench-jwt")}),
                    ("refresh_token with rotation (durable)", "/token", "refresh.lua",
                     lambda node: {"BENCH_BASIC": basic("bench-refresh"),
                                   "BENCH_REFRESH_TOKENS": ",".join(refresh_tokens[node])}),
                ]
                rounds.append([
                    (name, wrk_on_nodes(bases, path, script,
                                        [dict(shared, **extra(node)) for node in range(len(bases))],
                                        arguments.duration, arguments.connections, arguments.threads))
                    for name, path, script, extra in cases])
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=10)
            if arguments.postgres:
                subprocess.run(["psql", arguments.postgres, "-qc", f"DROP DATABASE {scratch}"], check=False)

    def median(values):
        ordered = sorted(values)
        return ordered[len(ordered) // 2]

    print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}")
    print(f"wrk -t{arguments.threads} -c{arguments.connections} -d{arguments.duration}s on the same machine; "
          f"release build; "
          + (f"PostgreSQL, {arguments.nodes} node{'s' if arguments.nodes > 1 else ''}; " if arguments.postgres
             else "SQLite (WAL, synchronous=FULL: every commit reaches the disk); ") +
          f"{arguments.rounds} interleaved rounds, medians (each ratio against its own round's ceiling)\n")
    print("| case | requests/s | p50 ms | p99 ms | ratio of ceiling | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    errors = 0
    for index, (name, _) in enumerate(rounds[0]):
        results = [round_results[index][1] for round_results in rounds]
        ratios = [round_results[index][1]["rate"] / round_results[0][1]["rate"] for round_results in rounds]
        errors += sum(result["errors"] for result in results)
        print(f"| {name} | {median([r['rate'] for r in results]):,.0f} | {median([r['p50'] for r in results]):.2f} | "
              f"{median([r['p99'] for r in results]):.2f} | {median(ratios):.2f} "
              f"({min(ratios):.2f}–{max(ratios):.2f}) | {sum(r['errors'] for r in results)} |")
    if errors:
        sys.exit("some requests failed: the figures above are not valid")


if __name__ == "__main__":
    main()
