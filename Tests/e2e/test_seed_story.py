"""The help article in shared/seed/, replayed against a running Gatehouse and ended: an admin flips an app to
admin-approved, the connected user's next refresh is refused with the exact reason, `explain` names the missing
assignment, the admin grants it, and access returns at once with no consent page. Every step is in login history
and the audit trail. A real server process, the real CLI, `requests` as the app and the user's browser."""

import base64
import hashlib
import json
import secrets
import time
from urllib.parse import parse_qs, urlencode, urlparse

import requests

from conftest import read_form

SECRET = "deduper-secret-0123456789"
CALLBACK = "https://deduper.example/callback"
CONFIG = f"""
profiles:
  - name: Sales User
users:
  - username: alice
    email: alice@example.com
    password: alice-password
    profile: Sales User
connectedApps:
  - name: Deduper
    clientId: deduper
    clientSecret: {SECRET}
    callbackUrls: [{CALLBACK}]
    scopes: [openid, offline_access, api]
    grantTypes: [authorization_code, refresh_token]
    permittedUsers: all-users-self-authorize
"""
NOT_APPROVED = "user is not admin approved to access this app"


class Deduper:
    """The connected app: starts authorization with PKCE, exchanges codes, refreshes."""

    def __init__(self, issuer):
        self.issuer = issuer
        self.verifier = secrets.token_urlsafe(48)

    def authorize_url(self):
        challenge = base64.urlsafe_b64encode(hashlib.sha256(self.verifier.encode()).digest()).rstrip(b"=").decode()
        query = urlencode({
            "response_type": "code", "client_id": "deduper", "redirect_uri": CALLBACK,
            "scope": "openid offline_access api", "state": "s1", "code_challenge": challenge,
            "code_challenge_method": "S256",
        })
        return f"{self.issuer}/authorize?{query}"

    def token(self, **form):
        return requests.post(f"{self.issuer}/token", data=form, auth=("deduper", SECRET))

    def exchange(self, code):
        return self.token(grant_type="authorization_code", code=code, redirect_uri=CALLBACK,
                          code_verifier=self.verifier)

    def refresh(self, refresh_token):
        return self.token(grant_type="refresh_token", refresh_token=refresh_token)


def callback_parameters(response):
    assert response.status_code in (302, 303), response.text
    location = response.headers["Location"]
    assert location.startswith(CALLBACK + "?")
    return {key: values[0] for key, values in parse_qs(urlparse(location).query).items()}


def until(condition, within=1.0):
    """Polls `condition` (the server is another process) and returns how long it took to hold."""
    started = time.monotonic()
    while True:
        result = condition()
        if result is not None and result is not False:
            return time.monotonic() - started, result
        assert time.monotonic() - started < within, f"did not happen within {within} s"
        time.sleep(0.02)


def test_the_seed_story_end_to_end(gatehouse):
    gatehouse.cli("apply", "-", stdin=CONFIG)
    issuer = gatehouse.issuer
    until(lambda: requests.get(f"{issuer}/.well-known/openid-configuration").ok and
          requests.get(Deduper(issuer).authorize_url(), allow_redirects=False).status_code == 200, within=3)
    app = Deduper(issuer)
    browser = requests.Session()

    # 1. alice connects Deduper: sign in, allow on the consent page, the app exchanges the code and refreshes.
    login = browser.get(app.authorize_url(), allow_redirects=False)
    action, fields = read_form(login.text)
    fields.update(username="alice", password="alice-password")
    consent = browser.post(issuer + action, data=fields, allow_redirects=False)
    assert "Allow Deduper to access your account?" in consent.text
    action, fields = read_form(consent.text)
    fields["decision"] = "allow"
    code = callback_parameters(browser.post(issuer + action, data=fields, allow_redirects=False))["code"]
    tokens = app.exchange(code).json()
    refreshed = app.refresh(tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    refresh_token = refreshed.json()["refresh_token"]
    assert gatehouse.cli("approvals", "--app", "Deduper").startswith("Deduper\talice\topenid offline_access api\t")

    # 2. The admin previews, then flips the app to admin-approved: alice would lose access, and does.
    preview = gatehouse.cli("apps", "set-policy", "Deduper", "--permitted-users", "admin-approved-preauthorized",
                            "--dry-run")
    assert "Impact: 1 user would lose access; 1 live grant would end." in preview
    assert "alice (user_not_admin_approved): 1 live grant" in preview
    assert "Dry run: nothing was changed." in preview
    still = app.refresh(refresh_token)  # the dry run changed nothing
    assert still.status_code == 200, still.text
    refresh_token = still.json()["refresh_token"]
    flipped = gatehouse.cli("apps", "set-policy", "Deduper", "--permitted-users", "admin-approved-preauthorized",
                            "--yes")
    assert "alice (user_not_admin_approved)" in flipped

    # 3. Her next refresh is refused with the exact reason, within a second on this other process.
    # (A refresh the server answers before it sees the change rotates the token: keep the newest.)
    current = [refresh_token]

    def refresh_until_refused():
        response = app.refresh(current[0])
        if response.status_code == 200:
            current[0] = response.json()["refresh_token"]
            return None
        return response

    delay, refused = until(refresh_until_refused)
    body = refused.json()
    assert body["error"] == "invalid_grant"
    assert body["reason"] == "user_not_admin_approved"
    assert body["error_description"] == NOT_APPROVED
    assert refused.headers["Cache-Control"] == "no-store"
    refresh_trace = body["trace_id"]
    print(f"policy change seen by the server after {delay * 1000:.0f} ms")

    # 4. At authorize she first sees Gatehouse's page: an administrator must approve her. Going back to the app, the
    # redirect says the same as the refresh, to the app's verified callback.
    page = browser.get(app.authorize_url(), allow_redirects=False)
    assert page.status_code == 403
    assert "An administrator must approve you to use Deduper" in page.text
    action, fields = read_form(page.text)
    denied = callback_parameters(browser.post(issuer + action, data=dict(fields, action="continue"),
                                              allow_redirects=False))
    assert denied["error"] == "access_denied"
    assert denied["reason"] == "user_not_admin_approved"
    assert denied["error_description"] == NOT_APPROVED
    assert denied["iss"] == issuer

    # 5. explain names the missing assignment; so does the login event the refusal's trace id finds.
    explained = gatehouse.cli_result("access", "explain", "--user", "alice", "--app", "Deduper")
    assert explained.returncode == 3
    assert "to grant access: enable profile Sales User on app Deduper" in explained.stdout
    _, shown = until(lambda: (lambda r: r if r.returncode == 0 else None)(
        gatehouse.cli_result("login-history", "show", refresh_trace, "--explain")), within=3)
    assert "reason:      user_not_admin_approved (user is not admin approved to access this app)" in shown.stdout
    assert "gatehouse profiles grant-app 'Sales User' Deduper" in shown.stdout

    # 6. She asks for access; the admin sees why she is refused and approves through her profile (which enables it on
    # the app); she reconnects at once, and sees no consent page.
    page = browser.get(app.authorize_url(), allow_redirects=False)
    action, fields = read_form(page.text)
    sent = browser.post(issuer + action, data=dict(fields, action="request", note="Deduper cleans my leads"),
                        allow_redirects=False)
    assert "Your request was sent." in sent.text
    (pending,) = json.loads(gatehouse.cli("access-requests", "list", "--json"))
    assert (pending["user"], pending["app"], pending["note"]) == ("alice", "Deduper", "Deduper cleans my leads")
    shown = gatehouse.cli("access-requests", "show", pending["id"])
    assert "--profile 'Sales User'  enable profile Sales User on app Deduper" in shown
    approved = gatehouse.cli("access-requests", "approve", pending["id"], "--profile", "Sales User")
    assert "approved alice's request for Deduper through profile Sales User" in approved
    def reconnect():  # the server process sees the change within a second: until then, the page again
        response = browser.get(app.authorize_url(), allow_redirects=False)
        return None if response.status_code == 403 else callback_parameters(response)

    _, reconnected = until(lambda: (lambda r: r if r and "code" in r else None)(reconnect()))
    tokens = app.exchange(reconnected["code"]).json()
    assert "refresh_token" in tokens
    assert app.refresh(tokens["refresh_token"]).status_code == 200

    # 7. immediately-expire: her new tokens carry no usable refresh token.
    gatehouse.cli("apps", "set-policy", "Deduper", "--refresh-token-policy", "immediately-expire")
    _, code = until(lambda: (lambda p: p.get("code"))(
        callback_parameters(browser.get(app.authorize_url(), allow_redirects=False))))
    deadline = time.monotonic() + 1
    while True:
        tokens = app.exchange(code).json() if code else {}
        if "refresh_token" not in tokens and "access_token" in tokens:
            break
        assert time.monotonic() < deadline, tokens
        code = callback_parameters(browser.get(app.authorize_url(), allow_redirects=False))["code"]
    assert "access_token" in tokens and "refresh_token" not in tokens

    # 8. Every step is in login history and the audit trail.
    _, events = until(lambda: (lambda e: e if len(e) >= 9 else None)(json.loads(
        gatehouse.cli("login-history", "--user", "alice", "--json"))), within=3)
    seen = {(e["flow"], e["result"], e.get("reason")) for e in events}
    for step in [("authorize", "allowed", None), ("code_exchange", "allowed", None), ("refresh", "allowed", None),
                 ("refresh", "refused", "user_not_admin_approved"),
                 ("authorize", "refused", "user_not_admin_approved")]:
        assert step in seen, (step, seen)
    refused_only = json.loads(gatehouse.cli("login-history", "--reason", "user_not_admin_approved", "--json"))
    assert {e["flow"] for e in refused_only} == {"refresh", "authorize"}
    audit = json.loads(gatehouse.cli("audit", "--target", "Deduper", "--json"))
    policies = [json.loads(e["after"])["permittedUsers"] for e in audit if e["action"] == "connected-app.updated"]
    assert "admin-approved-preauthorized" in policies
    refresh_policies = [json.loads(e["after"])["refreshTokenPolicy"] for e in audit
                        if e["action"] == "connected-app.updated"]
    assert "immediately-expire" in refresh_policies
    profile = json.loads(gatehouse.cli("audit", "--target", "Sales User", "--json"))
    assert any(e["action"] == "profile.updated" and "Deduper" in e["after"] for e in profile)
