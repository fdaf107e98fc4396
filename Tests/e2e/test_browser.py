"""The login and consent pages in a real browser: Debian's Chromium, headless, with JavaScript turned off
(the pages must work without it). A small local server plays the app's callback URL."""

import os
import shutil
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
)

SCREENSHOTS = os.environ.get("GATEHOUSE_SCREENSHOTS")


class Callback(BaseHTTPRequestHandler):
    received = []

    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/callback":  # not the browser's /favicon.ico
            Callback.received.append(parse_qs(url.query))
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html><body><h1>Back in the app</h1></body></html>")

    def log_message(self, *arguments):
        pass


@pytest.fixture
def callback_url():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = HTTPServer(("127.0.0.1", port), Callback)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Callback.received = []
    yield f"http://127.0.0.1:{port}/callback"
    server.shutdown()


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=900,900"]:
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def screenshot(driver, name):
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        driver.save_screenshot(os.path.join(SCREENSHOTS, name + ".png"))


def wait_for(predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def set_up_deduper(gatehouse, callback_url, username):
    """A user (password: USERNAME-password) and the Deduper app; returns Deduper's authorization query."""
    gatehouse.cli("apply", "-", stdin=f"""
users:
  - {{username: {username}, email: {username}@example.com, password: {username}-password, profile: System Administrator}}
connectedApps:
  - name: Deduper
    clientId: deduper
    clientSecret: deduper-secret-0123456789
    callbackUrls: [{callback_url}]
    scopes: [openid, profile, email, offline_access]
    requirePkce: false
""")
    time.sleep(0.5)
    return {"response_type": "code", "client_id": "deduper", "redirect_uri": callback_url,
            "scope": "openid email offline_access", "state": "browser-state"}


def exchange(gatehouse, code, callback_url):
    return requests.post(gatehouse.issuer + "/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": callback_url,
    }, auth=("deduper", "deduper-secret-0123456789")).json()


def test_sign_in_allow_and_deny_in_a_real_browser(gatehouse, callback_url, browser):
    from selenium.webdriver.common.by import By

    query = set_up_deduper(gatehouse, callback_url, "alice")
    browser.get(gatehouse.issuer + "/authorize?" + urlencode(query))
    assert browser.title == "Sign in · Gatehouse"
    # Inputs are reachable through their labels.
    username = browser.find_element(By.ID, browser.find_element(By.XPATH, "//label[text()='Username']").get_attribute("for"))
    password = browser.find_element(By.ID, browser.find_element(By.XPATH, "//label[text()='Password']").get_attribute("for"))
    screenshot(browser, "login")
    username.send_keys("alice")
    password.send_keys("wrong-password")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    # A click returns before the next page has loaded: wait for it.
    assert wait_for(lambda: "Incorrect username or password." in browser.page_source)

    browser.find_element(By.ID, "password").send_keys("alice-password")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert wait_for(lambda: browser.title == "Allow access · Gatehouse")
    assert "Allow Deduper to access your account?" in browser.page_source
    assert "See your email address" in browser.page_source
    screenshot(browser, "consent")
    browser.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
    assert wait_for(lambda: Callback.received), "the browser never reached the callback"
    result = Callback.received[-1]
    assert result["state"] == ["browser-state"]
    assert result["iss"] == [gatehouse.issuer]
    tokens = exchange(gatehouse, result["code"][0], callback_url)
    assert "id_token" in tokens and "refresh_token" in tokens

    # Signed in and approved: the next authorization goes straight back to the app.
    Callback.received.clear()
    browser.get(gatehouse.issuer + "/authorize?" + urlencode(query))
    assert wait_for(lambda: Callback.received)
    assert "code" in Callback.received[-1]

    # Asked again (prompt=consent), the user denies.
    Callback.received.clear()
    browser.get(gatehouse.issuer + "/authorize?" + urlencode(dict(query, prompt="consent")))
    assert wait_for(lambda: browser.title == "Allow access · Gatehouse")
    browser.find_element(By.CSS_SELECTOR, "button[value=deny]").click()
    assert wait_for(lambda: Callback.received)
    denied = Callback.received[-1]
    assert denied["error"] == ["access_denied"]
    assert denied["error_description"] == ["end-user denied authorization"]
    assert denied["reason"] == ["consent_denied"]


def test_an_unverified_callback_gets_an_error_page_not_a_redirect(gatehouse, browser):
    query = {"response_type": "code", "client_id": "unknown-app", "redirect_uri": "https://evil.example/cb"}
    browser.get(gatehouse.issuer + "/authorize?" + urlencode(query))
    assert urlparse(browser.current_url).hostname == "127.0.0.1"
    assert "This sign-in link is not valid" in browser.page_source


def test_a_user_removes_an_app_on_the_account_page(gatehouse, callback_url, browser):
    """The consent page's promise: the user can remove the access later, from the account page it links to."""
    from selenium.webdriver.common.by import By

    query = set_up_deduper(gatehouse, callback_url, "bob")
    browser.get(gatehouse.issuer + "/authorize?" + urlencode(query))
    browser.find_element(By.ID, "username").send_keys("bob")
    browser.find_element(By.ID, "password").send_keys("bob-password")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert wait_for(lambda: browser.title == "Allow access · Gatehouse")
    account_link = browser.find_element(By.LINK_TEXT, "your account page").get_attribute("href")
    browser.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
    assert wait_for(lambda: Callback.received)
    tokens = exchange(gatehouse, Callback.received[-1]["code"][0], callback_url)

    browser.get(account_link)
    assert wait_for(lambda: browser.title == "Connected apps · Gatehouse")
    assert "Signed in as bob" in browser.find_element(By.TAG_NAME, "body").text
    section = browser.find_element(By.XPATH, "//section[h2='Deduper']")
    assert "See your email address" in section.text
    screenshot(browser, "account")
    section.find_element(By.CSS_SELECTOR, "button[aria-label='Remove access for Deduper']").click()
    assert wait_for(lambda: "Deduper no longer has access to your account." in browser.page_source)
    assert "No apps have access to your account." in browser.page_source

    refused = requests.post(gatehouse.issuer + "/token", data={
        "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
    }, auth=("deduper", "deduper-secret-0123456789"))
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
