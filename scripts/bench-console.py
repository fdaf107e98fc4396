#!/usr/bin/env python3
"""Measures every page of the admin console on a large directory (issue 12, item 5): 100,000 users, 1,000 apps,
1,000 permission sets and 1,000,000 login events by default — p50 and p99 of each page, against a baseline
measured in the same run (the Setup home: the session opened, its access token inspected with every check of the
access decision, the page rendered from the node's directory).

    swift build -c release --product gatehouse
    scripts/bench-console.py --users 100000 --requests 100

The directory is scripts/dataset.py's; the login events (a tenth of them refusals) are written straight into the
SQLite file, as a year of traffic would leave them. The console is signed in to as `admin` through Gatehouse's own
login page (OpenID Connect, as a browser does), and each page is timed at the client over loopback, one keep-alive
connection, one request at a time, after two warm-up requests.
"""

import argparse
import base64
import html
import importlib.util
import json
import os
import random
import re
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def load(name, file):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


api_bench = load("bench_admin_api", "bench-admin-api.py")
bench = api_bench.bench
datasets = api_bench.datasets
PASSWORD = "bench-admin-password"


def add_login_events(path, count, users, apps):
    """`count` login events over the last year, newest last: users uN at apps App K, one in ten refused."""
    connection = sqlite3.connect(path)
    with connection:
        user_ids = dict(connection.execute("SELECT username, id FROM users WHERE username LIKE 'u%'").fetchall())
        app_ids = dict(connection.execute("SELECT name, id FROM connected_apps").fetchall())
        now = int(time.time() * 1000)
        start = now - 365 * 86_400_000
        generator = random.Random(12)
        batch = []
        for index in range(count):
            user = f"u{generator.randrange(users)}"
            app = f"App {generator.randrange(apps)}"
            refused = index % 10 == 0
            batch.append((
                start + index * (365 * 86_400_000 // count), user_ids.get(user), user, app_ids.get(app), app,
                "authorize", "refused" if refused else "allowed", "user_not_admin_approved" if refused else None,
                "User is not admin approved to access this app" if refused else None, "10.0.0.1",
                str(uuid.UUID(int=generator.getrandbits(128))), None))
            if len(batch) == 50_000:
                insert(connection, batch)
                batch = []
        insert(connection, batch)
    connection.close()


def insert(connection, rows):
    connection.executemany(
        "INSERT INTO login_events (occurred_at, user_id, username, app_id, app_name, flow, result, reason, "
        "description, client_ip, trace_id, checks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def hidden_fields(page):
    return {html.unescape(name): html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)}


def sign_in(base):
    """A session signed in to the console as `admin`, through the login page as a browser goes."""
    session = requests.Session()
    login = session.get(base + "/admin", timeout=30)
    form = hidden_fields(login.text)
    form.update(username="admin", password=PASSWORD)
    landed = session.post(base + "/login", data=form, timeout=30)
    if "<title>Setup · Gatehouse Setup</title>" not in landed.text:
        raise SystemExit(f"could not sign in to the console: {landed.status_code} {landed.text[:800]}")
    return session


def first(pattern, text, what):
    found = re.search(pattern, text)
    if not found:
        raise SystemExit(f"no {what} on the page")
    return found.group(1)


def measure(base, count, users):
    session = sign_in(base)

    def page(path, **params):
        return api_bench.timed(session, count, "GET", base + path, params=params)

    apps_page = session.get(base + "/admin/apps", timeout=30).text
    app = first(r'href="/admin/apps/([^"/?]+)">App 1<', apps_page, "App 1")
    user = first(r'href="/admin/users/([^"/?]+)">', session.get(
        base + "/admin/users", params={"q": f"u{users // 2}"}, timeout=30).text, "user")
    profile = first(r'href="/admin/profiles/([^"/?]+)">', session.get(base + "/admin/profiles", timeout=30).text,
                    "profile")
    sets_page = session.get(base + "/admin/permission-sets", timeout=30).text
    permission_set = first(r'href="/admin/permission-sets/([^"/?]+)">', sets_page, "permission set")
    history = session.get(base + "/admin/login-history", timeout=30).text
    trace = first(r"<td><code>([0-9a-f-]{20,})</code></td>", history, "trace id")
    deep = first(r'href="/admin/login-history\?after=([0-9]+)"', history, "next page")
    name = f"u{users // 2 + 45}"
    cases = [
        ("baseline: Setup home `/admin`", "/admin", {}),
        ("Quick Find `u5000`", "/admin/find", {"q": "u5000"}),
        ("Connected apps (first page)", "/admin/apps", {}),
        ("an app's page", f"/admin/apps/{app}", {}),
        ("an app's policy form", f"/admin/apps/{app}/edit", {}),
        ("an app's OAuth usage", f"/admin/apps/{app}/usage", {}),
        ("Users (first page)", "/admin/users", {}),
        ("Users of `Profile 7`", "/admin/users", {"profile": "Profile 7"}),
        ("a user's page (their apps and why)", f"/admin/users/{user}", {}),
        ("Profiles", "/admin/profiles", {}),
        ("a profile's page", f"/admin/profiles/{profile}", {}),
        ("Permission sets (first page)", "/admin/permission-sets", {}),
        ("a permission set's page (its users, paged)", f"/admin/permission-sets/{permission_set}", {}),
        ("Why can't … use App 1?", "/admin/explain", {"user": name, "app": "App 1"}),
        ("Login history (first page)", "/admin/login-history", {}),
        ("Login history, a page deep in it", "/admin/login-history", {"after": str(int(deep) - 500_000)}),
        ("Login history of one user", "/admin/login-history", {"user": name}),
        ("Login history, refusals at App 3", "/admin/login-history", {"result": "refused", "app": "App 3"}),
        ("Login history by trace id", "/admin/login-history", {"trace": trace}),
        ("Audit trail (first page)", "/admin/audit", {}),
        ("Access requests", "/admin/access-requests", {}),
    ]
    results = [(label, page(path, **params)[0]) for label, path, params in cases]
    results.append(("Approvals of App 1 (first page)", page("/admin/approvals", app="App 1")[0]))

    # Reviews: a change posted without `confirm`, answered with who would lose access; nothing is stored.
    def review(label, path, form, expect):
        times, response = api_bench.timed(session, max(10, count // 5), "POST", base + path, data=form)
        if expect not in response.text:
            raise SystemExit(f"{label}: the review does not say {expect!r}: {response.text[:800]}")
        losing = re.search(r"([0-9,]+) users? will lose access", response.text)
        results.append((f"{label} ({losing.group(1) if losing else 'no'} users would lose access)", times))

    edit = session.get(f"{base}/admin/apps/{app}/edit", timeout=30).text
    form = form_fields(edit, f"/admin/apps/{app}/edit")
    form["permittedUsers"] = "admin-approved-preauthorized"
    review("Review: App 1 to admin-approved", f"/admin/apps/{app}/edit", form, "Who loses access")
    app0 = first(r'href="/admin/apps/([^"/?]+)">App 0<', apps_page, "App 0")
    block = form_fields(session.get(f"{base}/admin/apps/{app0}", timeout=30).text, f"/admin/apps/{app0}/block")
    review("Review: block App 0", f"/admin/apps/{app0}/block", block, "Who loses access")
    # The profile page's first form posting a change is the one that stops granting its first app.
    remove = form_fields(session.get(f"{base}/admin/profiles/{profile}", timeout=30).text,
                         f"/admin/profiles/{profile}/change")
    review("Review: take an app from a profile", f"/admin/profiles/{profile}/change", remove, "Who loses access")
    return results


def form_fields(page, action):
    """The named inputs of the form that posts to `action` (its hidden fields, text boxes and selected options)."""
    start = page.find(f'action="{html.escape(action)}"')
    if start < 0:
        raise SystemExit(f"no form posting to {action}")
    body = page[start:page.find("</form>", start)]
    fields = {html.unescape(name): html.unescape(value) for name, value in
              re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', body)}
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', body, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options) or re.search(r'<option value="([^"]*)"', options)
        if chosen:
            fields[html.unescape(name)] = html.unescape(chosen.group(1))
    return fields


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "gatehouse"))
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--profiles", type=int, default=100)
    parser.add_argument("--permission-sets", type=int, default=1_000)
    parser.add_argument("--apps", type=int, default=1_000)
    parser.add_argument("--login-events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100, help="requests per page")
    parser.add_argument("--keep", help="a directory to keep the SQLite database in and reuse it from (set "
                        "GATEHOUSE_MASTER_KEY to the same key each time)")
    arguments = parser.parse_args()

    environment = dict(os.environ, GATEHOUSE_ADMIN_PASSWORD=PASSWORD, LOG_LEVEL="warning")
    environment.setdefault("GATEHOUSE_MASTER_KEY", base64.b64encode(os.urandom(32)).decode())
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(arguments.keep or scratch)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"console-{arguments.users}.sqlite"
        database = f"sqlite:{path}"
        if not path.exists():
            document = datasets.dataset(arguments.users, arguments.profiles, arguments.permission_sets,
                                        arguments.apps)
            for index, part in enumerate(datasets.parts(document)):
                spec_path = directory / f"console-part-{index}.json"
                spec_path.write_text(json.dumps(part, separators=(",", ":")))
                bench.run([arguments.binary, "apply", str(spec_path), "--database", database], environment)
            add_login_events(path, arguments.login_events, arguments.users, arguments.apps)
        server = bench.Server(arguments.binary, database, environment)
        try:
            results = measure(server.base, arguments.requests, arguments.users)
        finally:
            server.stop()

    print(f"\n{arguments.users:,} users, {arguments.profiles} profiles, {arguments.permission_sets:,} permission "
          f"sets, {arguments.apps:,} apps, {arguments.login_events:,} login events; SQLite, one node; "
          f"{arguments.requests} requests per page\n")
    baseline = statistics.median(results[0][1])
    print("| page | p50 | p99 | p50 ÷ baseline |")
    print("|---|---:|---:|---:|")
    for label, times in results:
        p50 = statistics.median(times)
        print(f"| {label} | {p50:.2f} ms | {api_bench.percentile(times, 0.99):.2f} ms | {p50 / baseline:.1f} |")


if __name__ == "__main__":
    main()
