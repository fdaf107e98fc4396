"""Two-step verification in a real browser, read as a phone would read it: the enrolment page's QR code (an SVG the
server draws) is decoded by a real QR reader (zbar), its otpauth:// key URI read by PyOTP, an authenticator library
nobody here wrote, whose code Gatehouse accepts; the next sign-in asks for a code after the password, and a recovery
code works once. The pages pass axe-core with no serious or critical violation."""

import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from urllib.parse import urlencode

import pytest
import requests

from test_browser import CHROMIUM, CHROMEDRIVER, Callback, callback_url, screenshot, set_up_deduper, wait_for  # noqa: F401
from test_console import axe_check, make_browser

# The axe-core that axe-selenium-python bundles (3.1) predates the HTML standard's `one-time-code` autofill token,
# which tells browsers and password managers the field wants a code from an authenticator.
ONE_TIME_CODE = [("autocomplete-valid", 'autocomplete="one-time-code"')]

ZBARIMG = shutil.which("zbarimg")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER and ZBARIMG),
    reason="Chromium, chromedriver and zbar are needed (apt-get install chromium chromium-driver zbar-tools)")


def read_qr(svg):
    """The text of the page's QR code: its SVG path of unit squares painted into a PGM image, read by zbarimg."""
    view = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    side = int(view.group(1))
    scale = 6
    pixels = bytearray([255]) * (side * scale) ** 2
    for x, y in re.findall(r"M(\d+) (\d+)h1v1h-1z", svg):
        for dy in range(scale):
            row = (int(y) * scale + dy) * side * scale
            for dx in range(scale):
                pixels[row + int(x) * scale + dx] = 0
    with tempfile.NamedTemporaryFile(suffix=".pgm", delete=False) as image:
        image.write(f"P5 {side * scale} {side * scale} 255\n".encode() + bytes(pixels))
    try:
        result = subprocess.run([ZBARIMG, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", image.name],
                                capture_output=True, text=True, check=True)
    finally:
        os.unlink(image.name)
    return result.stdout.strip()


def test_an_authenticator_app_set_up_from_its_qr_code_guards_the_next_sign_in(gatehouse, callback_url):
    import pyotp
    from selenium.webdriver.common.by import By

    query = set_up_deduper(gatehouse, callback_url, "carol")
    # Deduper requires a second factor: carol's authenticator app is what lets her in.
    gatehouse.cli("apps", "set-policy", "Deduper", "--high-assurance", "raise-session-level", "--yes")
    browser = make_browser(javascript=True)  # axe-core runs as a script; the pages themselves need none
    try:
        browser.get(gatehouse.issuer + "/account")
        browser.find_element(By.ID, "username").send_keys("carol")
        browser.find_element(By.ID, "password").send_keys("carol-password")
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        assert wait_for(lambda: "Two-step verification" in browser.page_source)
        assert "Off: signing in asks only for your password." in browser.page_source
        browser.find_element(By.ID, "setup-password").send_keys("carol-password")
        browser.find_element(By.XPATH, "//button[text()='Set up an authenticator app']").click()
        assert wait_for(lambda: browser.title == "Set up an authenticator app · Gatehouse"), browser.page_source
        axe_check(browser, "the enrolment page", allowed=ONE_TIME_CODE)
        screenshot(browser, "enrol-authenticator")

        uri = read_qr(browser.find_element(By.CSS_SELECTOR, "figure.qr svg").get_attribute("outerHTML"))
        assert uri.startswith("otpauth://totp/") and ":carol?" in uri, uri
        totp = pyotp.parse_uri(uri)
        shown_key = browser.find_element(By.ID, "totp-key").text.replace(" ", "")
        assert shown_key == totp.secret, "the key in words is the key in the QR code"
        browser.find_element(By.ID, "code").send_keys(totp.now())
        browser.find_element(By.ID, "name").send_keys("Carol's phone")
        browser.find_element(By.XPATH, "//button[text()='Turn on two-step verification']").click()
        assert wait_for(lambda: "Save your recovery codes" in browser.page_source), browser.page_source
        axe_check(browser, "the recovery codes")
        codes = [element.text for element in browser.find_elements(By.CSS_SELECTOR, "ul.recovery-codes code")]
        assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", code) for code in codes)
        browser.delete_all_cookies()

        # The next sign-in: the password, then a code; no session until then.
        browser.get(gatehouse.issuer + "/authorize?" + urlencode(query))
        browser.find_element(By.ID, "username").send_keys("carol")
        browser.find_element(By.ID, "password").send_keys("carol-password")
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        assert wait_for(lambda: browser.title == "Two-step verification · Gatehouse"), browser.page_source
        assert browser.get_cookie("gh_session") is None
        axe_check(browser, "the second step", allowed=ONE_TIME_CODE)
        screenshot(browser, "second-factor")
        browser.find_element(By.ID, "code").send_keys("000000" if totp.now() != "000000" else "111111")
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        assert wait_for(lambda: "That code is not right" in browser.page_source)
        browser.find_element(By.ID, "code").send_keys(codes[0])
        browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        assert wait_for(lambda: browser.title == "Allow access · Gatehouse"), browser.page_source
        browser.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
        assert wait_for(lambda: Callback.received), "the browser never reached the callback"
        tokens = requests.post(gatehouse.issuer + "/token", data={
            "grant_type": "authorization_code", "code": Callback.received[-1]["code"][0], "redirect_uri": callback_url,
        }, auth=("deduper", "deduper-secret-0123456789")).json()
        payload = tokens["id_token"].split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        assert claims["amr"] == ["pwd", "otp", "mfa"] and claims["acr"] == "mfa"

        # The account page says one recovery code is used; the admin's reset ends the session.
        browser.get(gatehouse.issuer + "/account")
        assert "9 of 10 left." in browser.page_source
        gatehouse.cli("users", "reset-second-factors", "carol")
        browser.get(gatehouse.issuer + "/account")
        assert wait_for(lambda: "Sign in to see the apps connected to your account" in browser.page_source)
    finally:
        browser.quit()
