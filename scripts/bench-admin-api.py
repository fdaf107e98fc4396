#!/usr/bin/env python3
"""Measures the admin API on a large directory (issue 11): a list page (first and deep, and filtered by profile),
an explain, and the impact preview of switching a widely used app to admin-approved — p50 and p99 of each, against
a baseline measured in the same run (an authenticated read of one user by id: token check, access decision and
one indexed read, the least any admin API request does).

    scripts/bench-admin-api.py --binary .build/release/gatehouse --users 100000

The dataset is scripts/dataset.py's, plus an admin app (`bench-admin`, client credentials, scope gatehouse.admin,
run as a user with every admin permission) and, to make `App 1` widely used, approvals of it by `--approvals`
users (written straight into the SQLite file: the dataset format holds no approvals). Times are measured at the
client over loopback with one keep-alive connection, one request at a time.
"""

import argparse
import base64
import importlib.util
import json
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bench_directory", ROOT / "scripts" / "bench-directory.py")
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
datasets = bench.datasets

ADMIN = {
    "profiles": [{"name": "Bench Admins", "adminPermissions": [
        "view-setup", "manage-users", "manage-profiles-and-permission-sets", "manage-connected-apps",
        "view-audit-trail"]}],
    "users": [{"username": "benchadmin", "email": "benchadmin@example.com", "profile": "Bench Admins"}],
    "connectedApps": [{"name": "bench-admin", "clientId": "bench-admin", "clientSecret": datasets.SECRET,
                       "scopes": ["gatehouse.admin"], "grantTypes": ["client_credentials"],
                       "runAsUser": "benchadmin"}],
}


def cursor(key):
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def timed(session, count, method, url, **arguments):
    """Milliseconds of `count` requests, after two to warm up; each must succeed."""
    times = []
    for index in range(count + 2):
        start = time.perf_counter()
        response = session.request(method, url, **arguments)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code >= 300:
            raise SystemExit(f"{method} {url}: {response.status_code} {response.text[:500]}")
        if index >= 2:
            times.append(elapsed)
    return times, response


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def add_approvals(database_path, count):
    """Approvals of App 1 by users u0 … u(count-1), most of whom no profile or permission set pre-authorizes."""
    connection = sqlite3.connect(database_path)
    with connection:
        app = connection.execute("SELECT id FROM connected_apps WHERE client_id = 'app-1'").fetchone()[0]
        now = int(time.time() * 1000)
        for start in range(0, count, 5_000):
            names = [f"u{n}" for n in range(start, min(count, start + 5_000))]
            marks = ",".join("?" * len(names))
            rows = connection.execute(f"SELECT id FROM users WHERE username IN ({marks})", names).fetchall()
            connection.executemany(
                "INSERT OR IGNORE INTO approvals (user_id, app_id, scopes, approved_at) VALUES (?, ?, ?, ?)",
                [(row[0], app, "openid api", now) for row in rows])
    connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "gatehouse"))
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--profiles", type=int, default=100)
    parser.add_argument("--permission-sets", type=int, default=200)
    parser.add_argument("--apps", type=int, default=50)
    parser.add_argument("--approvals", type=int, default=10_000, help="users who approved App 1")
    parser.add_argument("--requests", type=int, default=200, help="requests per case")
    parser.add_argument("--keep", help="a directory to keep the SQLite database in and reuse it from (set "
                        "GATEHOUSE_MASTER_KEY to the same key each time)")
    arguments = parser.parse_args()

    environment = dict(os.environ, GATEHOUSE_ADMIN_PASSWORD="bench-admin-password", LOG_LEVEL="warning")
    environment.setdefault("GATEHOUSE_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(arguments.keep or scratch)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"admin-api-{arguments.users}.sqlite"
        database = f"sqlite:{path}"
        if not path.exists():
            document = datasets.dataset(arguments.users, arguments.profiles, arguments.permission_sets,
                                        arguments.apps)
            for index, part in enumerate(datasets.parts(document) + [ADMIN]):
                spec_path = directory / f"admin-api-part-{index}.json"
                spec_path.write_text(json.dumps(part, separators=(",", ":")))
                bench.run([arguments.binary, "apply", str(spec_path), "--database", database], environment)
            add_approvals(path, arguments.approvals)
        server = bench.Server(arguments.binary, database, environment)
        try:
            results = measure(server.base, arguments.requests, f"u{arguments.users // 2 + 45}")
        finally:
            server.stop()

    print(f"\n{arguments.users:,} users, {arguments.profiles} profiles, {arguments.permission_sets} permission sets, "
          f"{arguments.apps} apps, {arguments.approvals:,} approvals of App 1; SQLite, one node; "
          f"{arguments.requests} requests per case\n")
    baseline = statistics.median(results[0][1])
    print("| request | p50 | p99 | p50 ÷ baseline |")
    print("|---|---:|---:|---:|")
    for label, times in results:
        p50 = statistics.median(times)
        print(f"| {label} | {p50:.2f} ms | {percentile(times, 0.99):.2f} ms | {p50 / baseline:.1f} |")


def measure(base, count, username):
    token = requests.post(base + "/token", data={"grant_type": "client_credentials"},
                          auth=("bench-admin", datasets.SECRET), timeout=10).json()["access_token"]
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    api = base + "/admin/api/v1"
    _, found = timed(session, 1, "GET", api + "/users", params={"username": username})
    user = found.json()["items"][0]["id"]
    _, found = timed(session, 1, "GET", api + "/apps", params={"clientId": "app-1"})
    app = found.json()["items"][0]["id"]
    results = [("baseline: `GET /users/{id}`", timed(session, count, "GET", f"{api}/users/{user}")[0])]
    results.append(("`GET /users?limit=100` (first page)", timed(session, count, "GET", api + "/users",
                                                                  params={"limit": 100})[0]))
    results.append(("`GET /users?limit=100&cursor=…` (a page after u5)", timed(
        session, count, "GET", api + "/users", params={"limit": 100, "cursor": cursor("u5")})[0]))
    results.append(("`GET /users?profile=Profile 7&limit=100`", timed(
        session, count, "GET", api + "/users", params={"limit": 100, "profile": "Profile 7"})[0]))
    results.append((f"`GET /access/explain?user={username}&app=App 1`", timed(
        session, count, "GET", api + "/access/explain", params={"user": username, "app": "App 1"})[0]))
    times, response = timed(
        session, max(10, count // 10), "PATCH", f"{api}/apps/{app}", params={"dryRun": "true"},
        headers={"If-Match": "*", "Content-Type": "application/merge-patch+json"},
        data=json.dumps({"permittedUsers": "admin-approved-preauthorized"}))
    losses = response.json()["impact"]["usersLosingAccess"]
    results.append((f"`PATCH /apps/{{App 1}}?dryRun=true` to admin-approved ({losses:,} users would lose access)",
                    times))
    return results


if __name__ == "__main__":
    main()
