"""Passkeys in a real browser: Chromium's own WebAuthn stack and its virtual authenticator (CTAP2, a platform
authenticator that keeps discoverable credentials and verifies the user) make a passkey on the account page, then
sign in with it alone on the login page and after the password at the second step. Gatehouse's verifier meets a
browser and an authenticator nobody here wrote; the pages pass axe-core with no serious or critical violation.

Browsers refuse an IP address as a WebAuthn relying party id, so this node's issuer is `localhost`."""

import base64
import json
from urllib.parse import urlencode

import pytest
import requests

from conftest import start_node
from test_browser import CHROMIUM, CHROMEDRIVER, Callback, callback_url, screenshot, set_up_deduper, wait_for  # noqa: F401
from test_console import axe_check, make_browser

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="Chromium and chromedriver are needed (apt-get install chromium chromium-driver)")


def start_localhost_node(gatehouse):
    """A second node on the fixture's database whose issuer is http://localhost:PORT."""
    process, base = start_node(gatehouse.database, gatehouse.environment, issuer="http://localhost:{port}")
    return process, base.replace("127.0.0.1", "localhost")


def id_token_claims(issuer, callback_url):
    tokens = requests.post(issuer + "/token", data={
        "grant_type": "authorization_code", "code": Callback.received[-1]["code"][0], "redirect_uri": callback_url,
    }, auth=("deduper", "deduper-secret-0123456789")).json()
    payload = tokens["id_token"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def click(browser, text):
    from selenium.webdriver.common.by import By

    browser.find_element(By.XPATH, f"//button[text()='{text}']").click()


def set_up_vault(gatehouse, callback_url):
    """Vault: an app whose high assurance is `block`; returns its authorization query."""
    gatehouse.cli("apply", "-", stdin=f"""
connectedApps:
  - name: Vault
    clientId: vault
    clientSecret: vault-secret-0123456789abcdef
    callbackUrls: [{callback_url}]
    scopes: [openid, profile]
    requirePkce: false
    highAssurance: block
""")
    return {"response_type": "code", "client_id": "vault", "redirect_uri": callback_url, "scope": "openid",
            "state": "vault-state"}


def test_a_passkey_made_in_chromium_signs_in_alone_and_as_a_second_factor(gatehouse, callback_url):
    """Deduper requires a second factor (`raise-session-level`) and Vault blocks a session without one: dana, with a
    password alone, is refused by Vault; once her passkey is made, it takes her into both."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.virtual_authenticator import VirtualAuthenticatorOptions

    query = set_up_deduper(gatehouse, callback_url, "dana")
    gatehouse.cli("apps", "set-policy", "Deduper", "--high-assurance", "raise-session-level", "--yes")
    vault = set_up_vault(gatehouse, callback_url)
    node, issuer = start_localhost_node(gatehouse)
    browser = make_browser(javascript=True)
    try:
        options = VirtualAuthenticatorOptions()
        options.protocol = VirtualAuthenticatorOptions.Protocol.CTAP2
        options.transport = VirtualAuthenticatorOptions.Transport.INTERNAL
        options.has_resident_key = True
        options.has_user_verification = True
        options.is_user_verified = True
        browser.add_virtual_authenticator(options)

        # The account page: signed in with the password alone.
        browser.get(issuer + "/account")
        assert wait_for(lambda: browser.find_elements(By.XPATH, "//button[text()='Sign in with a passkey']")), \
            "passkey.js shows the passkey form"
        browser.find_element(By.ID, "username").send_keys("dana")
        browser.find_element(By.ID, "password").send_keys("dana-password")
        click(browser, "Sign in")
        assert wait_for(lambda: "Add a passkey" in browser.page_source), browser.page_source

        # That session is refused by Vault, which says why and how.
        browser.get(issuer + "/authorize?" + urlencode(vault))
        assert wait_for(lambda: Callback.received), browser.page_source
        refused = Callback.received[-1]
        assert refused["error"] == ["access_denied"] and refused["reason"] == ["high_assurance_required"], refused
        assert "prompt=login" in refused["error_description"][0], refused
        Callback.received.clear()

        # A passkey added with the password typed again.
        browser.get(issuer + "/account")
        browser.find_element(By.ID, "passkey-password").send_keys("dana-password")
        click(browser, "Add a passkey")
        assert wait_for(lambda: browser.title == "Add a passkey · Gatehouse"), browser.page_source
        axe_check(browser, "the passkey page")
        screenshot(browser, "add-passkey")
        browser.find_element(By.ID, "name").send_keys("Dana's laptop")
        click(browser, "Create a passkey")
        assert wait_for(lambda: "Save your recovery codes" in browser.page_source), browser.page_source
        credentials = browser.get_credentials()
        assert len(credentials) == 1 and credentials[0].is_resident_credential
        browser.get(issuer + "/account")
        assert "Dana&#39;s laptop" in browser.page_source or "Dana's laptop" in browser.page_source
        assert "(passkey, added" in browser.page_source

        # Without a password: the login page's passkey button, the authenticator verifying the user.
        browser.delete_all_cookies()
        browser.get(issuer + "/authorize?" + urlencode(query))
        assert wait_for(lambda: browser.find_elements(By.XPATH, "//button[text()='Sign in with a passkey']"))
        axe_check(browser, "the login page with a passkey")
        screenshot(browser, "login-passkey")
        click(browser, "Sign in with a passkey")
        assert wait_for(lambda: browser.title == "Allow access · Gatehouse"), browser.page_source
        browser.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
        assert wait_for(lambda: Callback.received), "the browser never reached the callback"
        claims = id_token_claims(issuer, callback_url)
        assert claims["acr"] == "phr" and claims["amr"] in (["hwk", "user"], ["swk", "user"]), claims
        assert claims["iss"] == issuer

        # The same passkey session opens Vault, which refused the password alone.
        Callback.received.clear()
        browser.get(issuer + "/authorize?" + urlencode(vault))
        assert wait_for(lambda: browser.title == "Allow access · Gatehouse"), browser.page_source
        browser.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
        assert wait_for(lambda: Callback.received), browser.page_source
        assert "code" in Callback.received[-1], Callback.received[-1]

        # After the password, at Deduper: the second step offers the passkey, and takes it.
        Callback.received.clear()
        browser.get(issuer + "/account")  # cookies are cleared for the page's own site: the callback's is another
        browser.delete_all_cookies()
        browser.get(issuer + "/authorize?" + urlencode(query))
        browser.find_element(By.ID, "username").send_keys("dana")
        browser.find_element(By.ID, "password").send_keys("dana-password")
        click(browser, "Sign in")
        assert wait_for(lambda: browser.title == "Two-step verification · Gatehouse"), browser.page_source
        assert wait_for(lambda: browser.find_elements(By.XPATH, "//button[text()='Use your passkey']"))
        axe_check(browser, "the second step with a passkey", allowed=[("autocomplete-valid", 'autocomplete="one-time-code"')])
        screenshot(browser, "second-factor-passkey")
        click(browser, "Use your passkey")
        assert wait_for(lambda: Callback.received), browser.page_source
        claims = id_token_claims(issuer, callback_url)
        assert claims["acr"] == "phr" and "pwd" in claims["amr"] and "mfa" in claims["amr"], claims

        # A removed passkey signs no one in: the authenticator still holds it, Gatehouse no longer does.
        browser.get(issuer + "/account")
        browser.find_element(By.CSS_SELECTOR, "form[action='/account/authenticator/remove'] button").click()
        assert wait_for(lambda: browser.title == "Remove passkey · Gatehouse"), browser.page_source
        axe_check(browser, "the removal page", allowed=[("autocomplete-valid", 'autocomplete="one-time-code"')])
        assert wait_for(lambda: browser.find_elements(By.XPATH, "//button[text()='Confirm with a passkey']"))
        click(browser, "Confirm with a passkey")
        assert wait_for(lambda: "The passkey was removed, and you are signed out everywhere else." in browser.page_source), browser.page_source
        browser.delete_all_cookies()
        assert browser.get_cookie("gh_session") is None
        browser.get(issuer + "/authorize?" + urlencode(query))
        assert wait_for(lambda: browser.find_elements(By.XPATH, "//button[text()='Sign in with a passkey']"))
        click(browser, "Sign in with a passkey")
        assert wait_for(lambda: "That passkey did not sign you in" in browser.page_source), browser.page_source
        assert browser.get_cookie("gh_session") is None
    finally:
        browser.quit()
        node.terminate()
        node.wait(timeout=10)
