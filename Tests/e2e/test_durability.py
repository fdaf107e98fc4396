"""An answered token request is a committed one: refresh-token rotations running on many connections, with the
server killed (SIGKILL) in the middle of them, leave every token a client was answered with known to the server
after a restart, on every backend. A rotation whose answer was lost in the kill may have committed (then the old
token reads as reused, which is the point of reuse detection) or not (then the old token still works), but a
token that was answered is never unknown."""

import base64
import hashlib
import os
import re
import secrets
import subprocess
import tempfile
import threading
import time

import pytest
import requests

from conftest import BINARY, MASTER_KEY, backends, read_form, scratch_database, start_node

SECRET = "durable-secret-0123456789abcdef"
CALLBACK = "http://127.0.0.1:9/cb"
CONFIG = f"""
users:
  - {{username: alice, email: alice@example.com, password: alice-password, profile: System Administrator}}
connectedApps:
  - name: Durable
    clientId: durable
    clientSecret: {SECRET}
    callbackUrls: [{CALLBACK}]
    grantTypes: [authorization_code, refresh_token]
    scopes: [offline_access, api]
    refreshTokenRotation: true
"""


def refresh_tokens(base, count):
    """Runs the code flow `count` times in one browser session; returns the refresh tokens."""
    browser = requests.Session()
    tokens = []
    for _ in range(count):
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        response = browser.get(base + "/authorize", params={
            "response_type": "code", "client_id": "durable", "redirect_uri": CALLBACK, "scope": "offline_access api",
            "code_challenge": challenge, "code_challenge_method": "S256",
        }, allow_redirects=False)
        if 'action="/login"' in response.text:
            _, fields = read_form(response.text)
            fields.update(username="alice", password="alice-password")
            response = browser.post(base + "/login", data=fields, allow_redirects=False)
        if 'action="/consent"' in response.text:
            _, fields = read_form(response.text)
            fields["decision"] = "allow"
            response = browser.post(base + "/consent", data=fields, allow_redirects=False)
        code = re.search(r"[?&]code=([^&]+)", response.headers["Location"]).group(1)
        answer = requests.post(base + "/token", data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "code_verifier": verifier,
        }, auth=("durable", SECRET)).json()
        tokens.append(answer["refresh_token"])
    return tokens


def refresh(base, token):
    return requests.post(base + "/token", data={"grant_type": "refresh_token", "refresh_token": token},
                         auth=("durable", SECRET), timeout=10)


@pytest.mark.parametrize("backend", backends())
def test_every_answered_rotation_survives_a_kill(backend):
    with tempfile.TemporaryDirectory() as directory:
        database, drop = scratch_database(backend, directory)
        environment = dict(os.environ, GATEHOUSE_MASTER_KEY=MASTER_KEY, GATEHOUSE_ADMIN_PASSWORD="admin-password-e2e")
        subprocess.run([str(BINARY), "apply", "-", "--database", database], input=CONFIG, text=True,
                       env=environment, check=True, capture_output=True)
        process, base = start_node(database, environment)
        try:
            chains = refresh_tokens(base, 12)
            answered = list(chains)  # per chain, the newest token the server answered with
            rotations = [0] * len(chains)
            stop = threading.Event()

            def rotate(index):
                while not stop.is_set():
                    try:
                        response = refresh(base, answered[index])
                    except requests.RequestException:
                        return  # the kill: this request's answer is lost
                    assert response.status_code == 200, response.text
                    answered[index] = response.json()["refresh_token"]
                    rotations[index] += 1

            threads = [threading.Thread(target=rotate, args=(index,)) for index in range(len(chains))]
            for thread in threads:
                thread.start()
            time.sleep(1.5)
            process.kill()  # SIGKILL, mid-flight: no shutdown, no flush
            process.wait()
            stop.set()
            for thread in threads:
                thread.join(timeout=15)
            assert sum(rotations) > 50, f"too few rotations before the kill: {rotations}"

            process, base = start_node(database, environment)
            outcomes = []
            for token in answered:
                response = refresh(base, token)
                reason = None if response.status_code == 200 else response.json().get("reason")
                outcomes.append(reason)
            assert all(reason in (None, "refresh_token_reused") for reason in outcomes), outcomes
            # Retirements were durable too: a chain's first token, rotated away before the kill, reads as reused.
            for index, reason in enumerate(outcomes):
                if reason is None and rotations[index] > 0:
                    assert refresh(base, chains[index]).json().get("reason") == "refresh_token_reused"
            print(f"rotations before the kill: {sum(rotations)}; chains whose last rotation was lost in flight "
                  f"but committed: {outcomes.count('refresh_token_reused')} of {len(outcomes)}")
        finally:
            process.kill()
            process.wait()
            if drop:
                drop()
