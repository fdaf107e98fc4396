"""The whole code flow, refresh, userinfo, introspection and revocation, driven by Authlib (a client library
nobody here wrote) against a running Gatehouse, with `requests` playing the user's browser."""

import time

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.common.security import generate_token
from joserfc import jwt
from joserfc.jwk import KeySet

from conftest import read_form

CONFIG = """
users:
  - username: alice
    email: alice@example.com
    displayName: Alice Example
    password: alice-password
    profile: System Administrator
connectedApps:
  - name: Authlib Client
    clientId: authlib-client
    clientSecret: authlib-secret-0123456789
    callbackUrls: [http://127.0.0.1:9999/callback]
    scopes: [openid, profile, email, offline_access]
    grantTypes: [authorization_code, refresh_token]
    accessTokenFormat: opaque
"""


def sign_in_and_allow(browser, authorization_url):
    """What a person does in the browser: sign in, then press Allow. Returns the callback URL with the code."""
    login = browser.get(authorization_url, allow_redirects=False)
    assert login.status_code == 200
    action, fields = read_form(login.text)
    assert action == "/login"
    fields.update(username="alice", password="alice-password")
    base = authorization_url.split("/authorize")[0]
    consent = browser.post(base + action, data=fields, allow_redirects=False)
    assert consent.status_code == 200, consent.text
    assert "Allow Authlib Client to access your account?" in consent.text
    action, fields = read_form(consent.text)
    fields["decision"] = "allow"
    done = browser.post(base + action, data=fields, allow_redirects=False)
    assert done.status_code == 303
    return done.headers["Location"]


def test_code_flow_refresh_and_userinfo_with_authlib(gatehouse):
    gatehouse.cli("apply", "-", stdin=CONFIG)
    time.sleep(0.5)
    metadata = requests.get(gatehouse.issuer + "/.well-known/openid-configuration").json()
    assert metadata["issuer"] == gatehouse.issuer
    assert "S256" in metadata["code_challenge_methods_supported"]
    assert metadata["authorization_response_iss_parameter_supported"] is True

    client = OAuth2Session(
        client_id="authlib-client", client_secret="authlib-secret-0123456789",
        scope="openid profile email offline_access", redirect_uri="http://127.0.0.1:9999/callback",
        code_challenge_method="S256", token_endpoint_auth_method="client_secret_basic",
    )
    verifier = generate_token(48)
    nonce = generate_token(16)
    authorization_url, state = client.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce
    )
    callback = sign_in_and_allow(requests.Session(), authorization_url)
    assert f"state={state}" in callback
    assert "iss=" in callback

    token = client.fetch_token(metadata["token_endpoint"], authorization_response=callback, code_verifier=verifier)
    assert token["token_type"].lower() == "bearer"
    assert token["refresh_token"]

    keys = KeySet.import_key_set(requests.get(metadata["jwks_uri"]).json())
    decoded = jwt.decode(token["id_token"], keys, algorithms=metadata["id_token_signing_alg_values_supported"])
    jwt.JWTClaimsRegistry(exp={"essential": True}, iat={"essential": True}).validate(decoded.claims)
    claims = decoded.claims
    assert claims["iss"] == gatehouse.issuer
    assert claims["aud"] == "authlib-client"
    assert claims["nonce"] == nonce
    assert claims["email"] == "alice@example.com"

    userinfo = client.get(metadata["userinfo_endpoint"]).json()
    assert userinfo["sub"] == claims["sub"]
    assert userinfo["name"] == "Alice Example"

    old_refresh = token["refresh_token"]
    refreshed = client.refresh_token(metadata["token_endpoint"], refresh_token=old_refresh)
    assert refreshed["access_token"] != token["access_token"]
    assert refreshed["refresh_token"] != old_refresh
    assert client.get(metadata["userinfo_endpoint"]).status_code == 200

    introspected = requests.post(
        metadata["introspection_endpoint"], data={"token": refreshed["access_token"]},
        auth=("authlib-client", "authlib-secret-0123456789"),
    ).json()
    assert introspected["active"] is True
    assert introspected["username"] == "alice"

    # Reusing the rotated refresh token revokes the family: the newer one stops working too.
    reuse = requests.post(
        metadata["token_endpoint"], data={"grant_type": "refresh_token", "refresh_token": old_refresh},
        auth=("authlib-client", "authlib-secret-0123456789"),
    )
    assert reuse.status_code == 400
    assert reuse.json()["reason"] == "refresh_token_reused"

    client.revoke_token(metadata["revocation_endpoint"], token=refreshed["access_token"])
    after = requests.post(
        metadata["introspection_endpoint"], data={"token": refreshed["access_token"]},
        auth=("authlib-client", "authlib-secret-0123456789"),
    ).json()
    assert after == {"active": False}
