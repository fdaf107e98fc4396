"""Fixtures for end-to-end tests: a real `gatehouse serve` process on a scratch database of each backend."""

import base64
import os
import re
import socket
import subprocess
import tempfile
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("GATEHOUSE_BINARY", ROOT / ".build" / "debug" / "gatehouse"))
MASTER_KEY = base64.b64encode(bytes([7] * 32)).decode()

# An admin-approved client-credentials app with opaque tokens, for the multi-node and outage tests.
SYNC_SECRET = "sync-secret-0123456789abcdef"
SYNC_CONFIG = f"""
profiles:
  - name: Integration
    connectedApps: [Sync]
users:
  - username: sync-bot
    email: sync-bot@example.com
    profile: Integration
connectedApps:
  - name: Sync
    clientId: sync
    clientSecret: {SYNC_SECRET}
    scopes: [api]
    grantTypes: [client_credentials]
    permittedUsers: admin-approved-preauthorized
    runAsUser: sync-bot
    accessTokenFormat: opaque
"""


def backends():
    found = ["sqlite"]
    if os.environ.get("GATEHOUSE_TEST_POSTGRES_URL"):
        found.append("postgres")
    return found


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scratch_database(backend, directory):
    if backend == "sqlite":
        return f"sqlite:{directory}/gatehouse.sqlite", None
    admin = os.environ["GATEHOUSE_TEST_POSTGRES_URL"]
    name = "gh_e2e_" + uuid.uuid4().hex[:16]
    subprocess.run(["psql", admin, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    base = admin.rsplit("/", 1)[0]
    return f"{base}/{name}", lambda: subprocess.run(
        ["psql", admin, "-q", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False
    )


def start_node(database, environment, issuer="http://gatehouse.test"):
    """Starts `gatehouse serve` on a free port and waits until it is ready; returns the process and its URL.
    `{port}` in the issuer stands for the port."""
    port = free_port()
    process = subprocess.Popen(
        [str(BINARY), "serve", "--port", str(port), "--issuer", issuer.format(port=port), "--database", database],
        env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if requests.get(base + "/readyz", timeout=1).status_code == 200:
                return process, base
        except requests.RequestException:
            pass
        assert process.poll() is None, "gatehouse exited"
        assert time.time() < deadline, "gatehouse did not become ready"
        time.sleep(0.1)


class Gatehouse:
    """A running server and the CLI pointed at the same database."""

    def __init__(self, database, port, environment):
        self.database = database
        self.issuer = f"http://127.0.0.1:{port}"
        self.environment = environment

    def cli(self, *arguments, stdin=None):
        result = self.cli_result(*arguments, stdin=stdin)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def cli_result(self, *arguments, stdin=None):
        """Runs the CLI and returns the completed process, whatever its exit status."""
        return subprocess.run(
            [str(BINARY), *arguments, "--database", self.database],
            input=stdin, capture_output=True, text=True, env=self.environment, timeout=60,
        )


@pytest.fixture(params=backends())
def gatehouse(request):
    with tempfile.TemporaryDirectory() as directory:
        database, drop = scratch_database(request.param, directory)
        port = free_port()
        environment = dict(os.environ, GATEHOUSE_MASTER_KEY=MASTER_KEY, GATEHOUSE_ADMIN_PASSWORD="admin-password-e2e")
        server = subprocess.Popen(
            [str(BINARY), "serve", "--port", str(port), "--issuer", f"http://127.0.0.1:{port}", "--database", database],
            env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        instance = Gatehouse(database, port, environment)
        try:
            deadline = time.time() + 60
            while True:
                try:
                    if requests.get(instance.issuer + "/readyz", timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                assert time.time() < deadline, "gatehouse did not become ready"
                assert server.poll() is None, "gatehouse exited"
                time.sleep(0.1)
            yield instance
        finally:
            server.terminate()
            server.wait(timeout=10)
            if drop:
                drop()


class FormParser(HTMLParser):
    """Collects a page's form action and input values, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.action = attributes.get("action")
        if tag == "input" and attributes.get("type") == "hidden":
            self.fields[attributes["name"]] = attributes.get("value", "")


def read_form(html):
    parser = FormParser()
    parser.feed(html)
    return parser.action, parser.fields


def visible_text(html):
    return re.sub(r"<[^>]+>", " ", html)
