"""Issue 9, item 11: PostgreSQL stopped for three seconds under load, with two nodes on it. Every request is
answered; nothing but 503 (`temporarily_unavailable`, `storage_unavailable`, `Retry-After`) is a 5xx; the nodes
serve again once the database is back. The cluster is this test's own, so stopping it disturbs no other test."""

import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter

import pytest
import requests

from conftest import MASTER_KEY, SYNC_CONFIG, SYNC_SECRET, Gatehouse, free_port, start_node

SECRET = SYNC_SECRET
CONFIG = SYNC_CONFIG


def postgres_bin():
    for candidate in [os.environ.get("GATEHOUSE_PG_BIN", "")] + sorted(glob.glob("/usr/lib/postgresql/*/bin")):
        if candidate and os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    return None


class Cluster:
    """A throwaway PostgreSQL cluster on a private port (run as `postgres` when this test runs as root)."""

    def __init__(self, directory):
        self.bin = postgres_bin()
        self.data = os.path.join(directory, "data")
        self.port = free_port()
        self.directory = directory
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(directory, user="postgres")
        subprocess.run(self.as_user + [f"{self.bin}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                                       "-E", "UTF8"], check=True, capture_output=True)

    def start(self):
        subprocess.run(self.as_user + [f"{self.bin}/pg_ctl", "-D", self.data, "-l",
                                       os.path.join(self.directory, "server.log"), "-w", "-o",
                                       f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                                       "-c fsync=off", "start"], check=True, capture_output=True)

    def stop(self, mode="fast"):
        subprocess.run(self.as_user + [f"{self.bin}/pg_ctl", "-D", self.data, "-m", mode, "-w", "stop"],
                       check=False, capture_output=True)

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL server binaries not installed")
def test_a_database_outage_under_load_gives_only_503s_and_every_request_is_answered():
    with tempfile.TemporaryDirectory() as directory:
        os.chmod(directory, 0o755)
        cluster = Cluster(directory)
        cluster.start()
        environment = dict(os.environ, GATEHOUSE_MASTER_KEY=MASTER_KEY, GATEHOUSE_ADMIN_PASSWORD="admin-password-e2e")
        nodes = []
        try:
            Gatehouse(cluster.url, 0, environment).cli("apply", "-", stdin=CONFIG)
            nodes = [start_node(cluster.url, environment), start_node(cluster.url, environment)]
            statuses = Counter()
            unanswered = []
            bad = []
            lock = threading.Lock()
            stop_at = time.monotonic() + 11

            def load(base):
                session = requests.Session()
                token = None
                while time.monotonic() < stop_at:
                    try:
                        if token is None:
                            response = session.post(base + "/token", data={"grant_type": "client_credentials"},
                                                    auth=("sync", SECRET), timeout=40)
                            if response.status_code == 200:
                                token = response.json()["access_token"]
                        else:
                            response = session.post(base + "/introspect", data={"token": token},
                                                    auth=("sync", SECRET), timeout=40)
                            token = None  # alternate a write (a stored opaque token) and a read
                    except requests.RequestException as error:
                        with lock:
                            unanswered.append(repr(error))
                        continue
                    with lock:
                        statuses[response.status_code] += 1
                        if response.status_code >= 500 and (
                                response.status_code != 503
                                or response.json().get("reason") != "storage_unavailable"
                                or "Retry-After" not in response.headers):
                            bad.append((response.status_code, response.text))

            threads = [threading.Thread(target=load, args=(base,)) for _, base in nodes for _ in range(3)]
            for thread in threads:
                thread.start()
            time.sleep(2)
            cluster.stop()
            time.sleep(3)
            cluster.start()
            for thread in threads:
                thread.join()
            print(f"\nstatuses during a 3 s outage under load: {dict(statuses)}")
            assert not unanswered, unanswered[:3]
            assert not bad, bad[:3]
            assert statuses[200] > 0

            # Back: both nodes issue and introspect again.
            deadline = time.monotonic() + 15
            for _, base in nodes:
                while True:
                    response = requests.post(base + "/token", data={"grant_type": "client_credentials"},
                                             auth=("sync", SECRET), timeout=40)
                    if response.status_code == 200:
                        break
                    assert time.monotonic() < deadline, f"{base} did not recover: {response.text}"
                    time.sleep(0.2)
        finally:
            for process, _ in nodes:
                process.terminate()
                process.wait(timeout=10)
            cluster.stop("immediate")
