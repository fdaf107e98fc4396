"""A shutdown that cannot finish its work still ends in time: with the login-history table locked by another
session, the last flush of buffered events waits on PostgreSQL (up to its 20 s operation limit), and SIGTERM
still ends the process once `--shutdown-timeout` has passed, saying why."""

import os
import subprocess
import tempfile
import time

import pytest
import requests

from conftest import BINARY, MASTER_KEY, SYNC_CONFIG, SYNC_SECRET, Gatehouse, free_port, scratch_database


@pytest.mark.skipif(not os.environ.get("GATEHOUSE_TEST_POSTGRES_URL"), reason="needs GATEHOUSE_TEST_POSTGRES_URL")
def test_sigterm_ends_the_process_within_the_shutdown_timeout_when_a_database_write_hangs():
    with tempfile.TemporaryDirectory() as directory:
        database, drop = scratch_database("postgres", directory)
        environment = dict(os.environ, GATEHOUSE_MASTER_KEY=MASTER_KEY, GATEHOUSE_ADMIN_PASSWORD="admin-password-e2e")
        locker = None
        try:
            Gatehouse(database, 0, environment).cli("apply", "-", stdin=SYNC_CONFIG)
            port = free_port()
            log_path = os.path.join(directory, "serve.log")
            with open(log_path, "w") as log:
                server = subprocess.Popen(
                    [str(BINARY), "serve", "--port", str(port), "--issuer", "http://gatehouse.test",
                     "--database", database, "--shutdown-timeout", "3s"],
                    env=environment, stdout=subprocess.DEVNULL, stderr=log)
            base = f"http://127.0.0.1:{port}"
            deadline = time.time() + 60
            while True:
                try:
                    if requests.get(base + "/readyz", timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                assert server.poll() is None and time.time() < deadline, "gatehouse did not become ready"
                time.sleep(0.1)

            # Another session holds the table until it is killed: every insert into it waits.
            locker = subprocess.Popen(
                ["psql", database, "-q", "-c", "BEGIN; LOCK TABLE login_events; SELECT pg_sleep(60);"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
            response = requests.post(base + "/token", data={"grant_type": "client_credentials"},
                                     auth=("sync", SYNC_SECRET), timeout=10)
            assert response.status_code == 200  # answered; its login event waits in the buffer
            time.sleep(0.5)  # the flush is now blocked on the lock

            began = time.monotonic()
            server.terminate()
            server.wait(timeout=15)
            took = time.monotonic() - began
            assert 2.5 <= took < 8, f"shutdown took {took:.1f} s"
            assert server.returncode == 0
            with open(log_path) as log:
                assert "shutdown has taken longer than 3.0 seconds" in log.read()
        finally:
            if locker:
                locker.kill()
                locker.wait()
            if drop:
                drop()
