"""On a terminal, a command that would take access away shows who loses it and asks first; `n` changes nothing,
`y` goes ahead. Run under a real pseudo-terminal, as an admin would type it."""

import os
import pty
import subprocess
import tempfile

from conftest import BINARY, MASTER_KEY

CONFIG = """
profiles:
  - {name: Sales User, connectedApps: [Deduper]}
users:
  - {username: alice, email: alice@example.com, profile: Sales User}
connectedApps:
  - {name: Deduper, clientId: deduper, callbackUrls: ["https://d.example/cb"], permittedUsers: admin-approved-preauthorized}
"""


def run_on_terminal(arguments, answer, environment):
    primary, secondary = pty.openpty()
    process = subprocess.Popen([str(BINARY), *arguments], stdin=secondary, stdout=secondary,
                               stderr=subprocess.PIPE, env=environment)
    os.close(secondary)
    output = b""
    while b"Proceed? [y/N]" not in output:
        chunk = os.read(primary, 4096)
        assert chunk, output
        output += chunk
    os.write(primary, answer + b"\n")
    status = process.wait(timeout=60)
    try:
        while chunk := os.read(primary, 4096):
            output += chunk
    except OSError:
        pass  # the terminal closed with the process
    os.close(primary)
    return status, output.decode(), process.stderr.read().decode()


def test_a_terminal_asks_before_access_is_taken_away():
    with tempfile.TemporaryDirectory() as directory:
        database = f"sqlite:{directory}/gatehouse.sqlite"
        environment = dict(os.environ, GATEHOUSE_MASTER_KEY=MASTER_KEY)

        def cli(*arguments, stdin=None):
            return subprocess.run([str(BINARY), *arguments, "--database", database], input=stdin,
                                  capture_output=True, text=True, env=environment, timeout=60)

        assert cli("apply", "-", stdin=CONFIG).returncode == 0
        revoke = ["profiles", "revoke-app", "Sales User", "Deduper", "--database", database]

        status, output, errors = run_on_terminal(revoke, b"n", environment)
        assert "alice (user_not_admin_approved): 0 live grants" in output
        assert status != 0
        assert "cancelled; nothing was changed" in errors
        assert cli("access", "explain", "--user", "alice", "--app", "Deduper").returncode == 0

        status, output, errors = run_on_terminal(revoke, b"y", environment)
        assert status == 0, errors
        assert cli("access", "explain", "--user", "alice", "--app", "Deduper").returncode == 3
