"""The admin console in a real browser (Debian's Chromium, headless): an admin signs in through Gatehouse's own
login page, finds the app with Quick Find, flips it to admin-approved after seeing who loses access, and the flip is
in force at once. Every console page passes axe-core with no serious or critical violation."""

import base64
import hashlib
import json
import time
from urllib.parse import urlencode

import pytest
import requests

from test_browser import CHROMIUM, CHROMEDRIVER, Callback, callback_url, screenshot, wait_for  # noqa: F401 (a fixture)

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
)


def make_browser(javascript):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,900"]:
        options.add_argument(argument)
    if not javascript:  # the console needs none: every form works without it
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture
def console_browser():
    driver = make_browser(javascript=False)
    yield driver
    driver.quit()


DEDUPER = ("deduper", "deduper-secret-0123456789")


def set_up(gatehouse, callback="https://deduper.example/cb"):
    """alice and bob (profile Sales, which does not grant it) and Deduper, a self-authorize app; the admin signs in
    as `admin`."""
    gatehouse.cli("apply", "-", stdin=f"""
profiles:
  - {{name: Sales}}
users:
  - {{username: alice, email: alice@example.com, password: alice-password-1, profile: Sales}}
  - {{username: bob, email: bob@example.com, password: bob-password-1, profile: Sales}}
connectedApps:
  - name: Deduper
    clientId: deduper
    clientSecret: {DEDUPER[1]}
    callbackUrls: [{callback}]
    scopes: [openid, profile, offline_access]
""")
    time.sleep(0.5)


def S256(verifier):
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def exchange(gatehouse, code, callback, verifier):
    return requests.post(gatehouse.issuer + "/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": callback, "code_verifier": verifier,
    }, auth=DEDUPER).json()


def sign_in(browser, gatehouse, path="/admin"):
    from selenium.webdriver.common.by import By

    browser.get(gatehouse.issuer + path)
    assert wait_for(lambda: browser.title == "Sign in · Gatehouse"), browser.page_source
    browser.find_element(By.ID, "username").send_keys("admin")
    browser.find_element(By.ID, "password").send_keys("admin-password-e2e")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert wait_for(lambda: browser.title.endswith("· Gatehouse Setup")), browser.page_source


def axe_check(browser, page, allowed=()):
    """No serious or critical axe-core violation; `allowed` names (rule, markup) pairs known to be false alarms."""
    from axe_selenium_python import Axe

    axe = Axe(browser)
    axe.inject()
    results = axe.run()
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    for violation in serious:
        violation["nodes"] = [n for n in violation["nodes"]
                              if not any(violation["id"] == rule and markup in n["html"] for rule, markup in allowed)]
    serious = [v for v in serious if v["nodes"]]
    assert not serious, f"{page}: " + "; ".join(
        f"{v['id']}: {v['help']} at {[n['html'] for n in v['nodes']]}" for v in serious)


def test_the_seed_story_entirely_in_the_console(gatehouse, callback_url, console_browser):
    """The seed's story played in the console: alice uses Deduper, the admin flips it to admin-approved after the
    review names her, alice is refused and asks for access, the admin opens her request, sees why and approves it
    through her profile, and alice's next sign-in succeeds at once with no consent page. Every step is in login
    history and the audit trail, each read in the console."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    set_up(gatehouse, callback_url)
    verifier = "seed-story-verifier-" + "x" * 40
    query = {"response_type": "code", "client_id": "deduper", "redirect_uri": callback_url,
             "scope": "openid offline_access", "state": "seed", "code_challenge": S256(verifier),
             "code_challenge_method": "S256"}
    authorize = f"{gatehouse.issuer}/authorize?{urlencode(query)}"
    alice = make_browser(javascript=True)  # axe-core runs as a script in the page; the page itself needs none
    try:
        # 1. alice uses Deduper, a self-authorize app: she approves it once and Deduper holds her grant.
        alice.get(authorize)
        assert wait_for(lambda: alice.title == "Sign in · Gatehouse"), alice.page_source
        alice.find_element(By.ID, "username").send_keys("alice")
        alice.find_element(By.ID, "password").send_keys("alice-password-1")
        alice.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        assert wait_for(lambda: alice.title == "Allow access · Gatehouse"), alice.page_source
        alice.find_element(By.CSS_SELECTOR, "button[value=allow]").click()
        assert wait_for(lambda: Callback.received), "alice never reached Deduper"
        tokens = exchange(gatehouse, Callback.received[-1]["code"][0], callback_url, verifier)
        assert "refresh_token" in tokens, tokens

        # 2. The admin flips Deduper to admin-approved in the console: the review names alice before it is saved.
        browser = console_browser
        sign_in(browser, gatehouse)
        assert browser.find_element(By.TAG_NAME, "h1").text == "Setup"
        screenshot(browser, "console-home")
        browser.find_element(By.ID, "quick-find").send_keys("dedu")
        browser.find_element(By.CSS_SELECTOR, "form.find button").click()
        assert wait_for(lambda: "Quick Find" in browser.title)
        browser.find_element(By.LINK_TEXT, "Deduper").click()
        assert wait_for(lambda: browser.title == "Deduper · Gatehouse Setup")
        assert "All users may self-authorize" in browser.page_source
        screenshot(browser, "console-app")
        browser.find_element(By.LINK_TEXT, "Edit policies").click()
        assert wait_for(lambda: browser.title == "Edit Deduper · Gatehouse Setup")
        Select(browser.find_element(By.ID, "permittedUsers")).select_by_value("admin-approved-preauthorized")
        screenshot(browser, "console-app-edit")
        browser.find_element(By.XPATH, "//button[text()='Review the change']").click()
        assert wait_for(lambda: browser.title == "Review the change to Deduper · Gatehouse Setup")
        assert "permittedUsers: all-users-self-authorize → admin-approved-preauthorized" in browser.page_source
        assert "1 user will lose access, and 1 live grant will end at once" in browser.find_element(By.TAG_NAME, "main").text
        losing = browser.find_element(By.XPATH, "//table[caption='Who loses access']").text
        assert "alice" in losing and "not admin approved" in losing and "bob" not in losing, losing
        assert "/admin/users?username=alice" in browser.find_element(By.LINK_TEXT, "alice").get_attribute("href")
        screenshot(browser, "console-app-review")
        browser.find_element(By.XPATH, "//button[text()='Save the change']").click()
        assert wait_for(lambda: "Saved. The change is in force now." in browser.page_source)
        assert "Admin approved users are pre-authorized" in browser.page_source
        refreshed = requests.post(gatehouse.issuer + "/token", data={
            "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}, auth=DEDUPER)
        assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant", refreshed.text

        # 3. alice is refused at her next sign-in, on Gatehouse's own page, and asks for access.
        Callback.received.clear()
        alice.get(authorize)
        assert wait_for(lambda: alice.title == "Approval needed · Gatehouse"), alice.page_source
        assert "An administrator must approve you to use Deduper" in alice.page_source
        axe_check(alice, "the access-request page")
        alice.find_element(By.ID, "note").send_keys("I clean the Q4 leads with it")
        screenshot(alice, "access-request")
        alice.find_element(By.XPATH, "//button[text()='Request access']").click()
        assert wait_for(lambda: "Your request was sent." in alice.page_source), alice.page_source
        axe_check(alice, "the access-request page, sent")
        assert not Callback.received, "no code while the request waits"

        # 4. The admin opens the request from the Setup home, sees why, and approves it through the profile.
        browser.find_element(By.LINK_TEXT, "Setup").click()
        browser.find_element(By.PARTIAL_LINK_TEXT, "Access requests").click()
        assert wait_for(lambda: browser.title == "Access requests · Gatehouse Setup"), browser.page_source
        assert "I clean the Q4 leads with it" in browser.page_source
        browser.find_element(By.LINK_TEXT, "alice").click()
        assert wait_for(lambda: browser.title == "Access request of alice · Gatehouse Setup")
        failed = browser.find_elements(By.CSS_SELECTOR, "tr.failed")
        assert len(failed) == 1 and "admin-approved users" in failed[0].text, [row.text for row in failed]
        assert "user is not admin approved to access this app" in browser.page_source
        screenshot(browser, "console-access-request")
        browser.find_element(By.XPATH, "//button[text()='Approve through profile Sales']").click()
        assert wait_for(lambda: "Approved by console:admin" in browser.page_source), browser.page_source

        # 5. alice's next sign-in succeeds at once: no consent page, a code straight back to Deduper.
        alice.get(authorize)
        assert wait_for(lambda: Callback.received), alice.page_source
        assert "code" in Callback.received[-1], Callback.received[-1]
        tokens = exchange(gatehouse, Callback.received[-1]["code"][0], callback_url, verifier)
        assert "access_token" in tokens, tokens
        alice.get(gatehouse.issuer + "/account")
        assert wait_for(lambda: "Your access requests" in alice.page_source)
        assert "Approved" in alice.page_source
        axe_check(alice, "the account page with a request")

        # 6. Every step is in login history and in the audit trail, in the console.
        def alice_events():
            events = json.loads(gatehouse.cli("login-history", "--user", "alice", "--json"))
            return events if len(events) >= 6 else None
        assert wait_for(alice_events, timeout=5)
        seen = [(e["flow"], e["result"], e.get("reason")) for e in reversed(alice_events())]
        assert seen.count(("authorize", "refused", "user_not_admin_approved")) == 1, seen
        for step in [("authorize", "allowed", None), ("code_exchange", "allowed", None),
                     ("refresh", "refused", "user_not_admin_approved")]:
            assert step in seen, (step, seen)
        assert seen.index(("authorize", "refused", "user_not_admin_approved")) < len(seen) - 1 - seen[::-1].index(
            ("authorize", "allowed", None)), "allowed again after the refusal"
        browser.get(gatehouse.issuer + "/admin/login-history?user=alice")
        rows = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tbody tr")]
        refusals = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tbody tr.failed")]
        assert len(rows) >= 6 and len(refusals) == 2, rows
        assert all("Refused: user is not admin approved to access this app" in row for row in refusals), refusals
        browser.get(gatehouse.issuer + "/admin/audit")
        trail = browser.find_element(By.TAG_NAME, "main").text
        for action in ["connected-app.updated", "profile.updated", "user.access-request-approved"]:
            assert action in trail, (action, trail)
        assert "admin-approved-preauthorized" in trail and "console:admin" in trail
        audit = json.loads(gatehouse.cli("audit", "--json"))
        actions = [e["action"] for e in audit if e["actor"] == "console:admin"]  # newest first
        assert sorted(actions) == ["connected-app.updated", "profile.updated", "user.access-request-approved"], audit
        assert actions[-1] == "connected-app.updated", actions
    finally:
        alice.quit()


def test_why_cant_bob_use_deduper_answered_and_fixed_in_the_console(gatehouse, console_browser):
    """The seed's three admin pages in one: the admin types bob and Deduper, sees every check with the failing one
    highlighted, reviews the fix (who else gains the app) and makes it; bob may use Deduper at once."""
    from selenium.webdriver.common.by import By

    set_up(gatehouse)
    gatehouse.cli("apps", "set-policy", "Deduper", "--permitted-users", "admin-approved-preauthorized", "--yes")
    browser = console_browser
    sign_in(browser, gatehouse)
    browser.find_element(By.LINK_TEXT, "Why can't this user use this app?").click()
    assert wait_for(lambda: browser.title == "Why can't this user use this app? · Gatehouse Setup"), browser.page_source
    browser.find_element(By.ID, "explain-user").send_keys("bob")
    browser.find_element(By.ID, "explain-app").send_keys("Deduper")
    browser.find_element(By.XPATH, "//button[text()='Explain']").click()
    assert wait_for(lambda: browser.title == "bob and Deduper · Gatehouse Setup"), browser.page_source
    assert "bob cannot use Deduper" in browser.page_source
    failed = browser.find_elements(By.CSS_SELECTOR, "tr.failed")
    assert len(failed) == 1 and "admin-approved users" in failed[0].text, [row.text for row in failed]
    screenshot(browser, "console-explain")
    browser.find_element(By.XPATH, "//button[text()='Review: enable profile Sales on app Deduper']").click()
    assert wait_for(lambda: browser.title.startswith("Review: enable profile Sales")), browser.page_source
    assert "After this change the decision allows it." in browser.page_source
    screenshot(browser, "console-explain-review")
    browser.find_element(By.XPATH, "//button[text()='Make the change']").click()
    assert wait_for(lambda: "bob may use Deduper." in browser.page_source), browser.page_source
    explained = gatehouse.cli_result("access", "explain", "--user", "bob", "--app", "Deduper")
    assert explained.returncode == 0, explained.stdout


def test_console_pages_have_no_serious_accessibility_violation(gatehouse):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    set_up(gatehouse)
    browser = make_browser(javascript=True)  # axe-core runs as a script in the page

    def check(page):
        axe_check(browser, page)

    try:
        browser.get(gatehouse.issuer + "/admin")
        assert wait_for(lambda: browser.title == "Sign in · Gatehouse")
        check("the sign-in page the console leads to")
        sign_in(browser, gatehouse)
        browser.get(gatehouse.issuer + "/admin/apps")
        browser.find_element(By.LINK_TEXT, "Deduper").click()
        assert wait_for(lambda: browser.title == "Deduper · Gatehouse Setup")
        app_page = browser.current_url
        pages = ["/admin", "/admin/find?q=a", "/admin/apps", app_page, app_page + "/edit", app_page + "/usage", "/admin/apps/new", "/account",
                 "/admin/access-requests", "/admin/access-requests?state=all", "/admin/explain",
                 "/admin/explain?user=nobody&app=Deduper", "/admin/login-history",
                 "/admin/login-history?result=refused&since=bogus", "/admin/audit", "/admin/permission-sets",
                 "/admin/approvals", "/admin/approvals?user=nobody"]
        shots = {"/admin/apps": "console-apps", app_page + "/usage": "console-app-usage",
                 "/admin/login-history": "console-login-history", "/admin/audit": "console-audit"}
        for page in pages:
            browser.get(page if page.startswith("http") else gatehouse.issuer + page)
            check(page)
            if page in shots:
                screenshot(browser, shots[page])
        # Preferences: times in a zone chosen from the list, the UTC value on hover.
        browser.find_element(By.PARTIAL_LINK_TEXT, "Times in UTC").click()
        assert wait_for(lambda: browser.title == "Preferences · Gatehouse Setup"), browser.page_source
        check("the preferences page")
        screenshot(browser, "console-preferences")
        Select(browser.find_element(By.ID, "zone")).select_by_visible_text("America/New_York")
        browser.find_element(By.XPATH, "//button[text()='Save']").click()
        assert wait_for(lambda: "Saved: times are shown in America/New_York." in browser.page_source)
        browser.get(gatehouse.issuer + "/admin/login-history")
        shown = browser.find_element(By.CSS_SELECTOR, "td time")
        assert shown.text.endswith(("UTC-5", "UTC-4")), shown.text
        assert shown.get_attribute("title").endswith(" UTC"), shown.get_attribute("title")
        assert "Times in America/New_York" in browser.page_source
        # Users: the list, bob's page and a change's review.
        browser.get(gatehouse.issuer + "/admin/users")
        check("the users list")
        browser.find_element(By.LINK_TEXT, "bob").click()
        assert wait_for(lambda: browser.title == "bob · Gatehouse Setup"), browser.page_source
        check("a user's page")
        screenshot(browser, "console-user")
        browser.find_element(By.XPATH, "//button[text()='Deactivate…']").click()
        assert wait_for(lambda: browser.title == "Review the change to bob · Gatehouse Setup"), browser.page_source
        check("a user change's review")
        # Profiles and permission sets: the lists, a profile's page, a grant's review and a set's assigned users.
        gatehouse.cli("permission-sets", "create", "Deduper Users")
        gatehouse.cli("permission-sets", "grant-app", "Deduper Users", "Deduper")
        gatehouse.cli("users", "assign", "bob", "Deduper Users")
        browser.get(gatehouse.issuer + "/admin/profiles")
        check("the profiles list")
        browser.find_element(By.LINK_TEXT, "Sales").click()
        assert wait_for(lambda: browser.title == "Sales · Gatehouse Setup"), browser.page_source
        check("a profile's page")
        screenshot(browser, "console-profile")
        Select(browser.find_element(By.ID, "bundle-grant")).select_by_visible_text("Deduper")
        browser.find_element(By.XPATH, "//form[.//select[@id='bundle-grant']]//button").click()
        assert wait_for(lambda: browser.title == "Review the change to Sales · Gatehouse Setup"), browser.page_source
        check("a profile change's review")
        browser.get(gatehouse.issuer + "/admin/permission-sets")
        check("the permission sets list")
        browser.find_element(By.LINK_TEXT, "Deduper Users").click()
        assert wait_for(lambda: "Assigned users" in browser.page_source and "bob" in browser.page_source)
        check("a permission set's page")
        browser.find_element(By.XPATH, "//button[text()='Unassign…']").click()
        assert wait_for(lambda: browser.title == "Review the change to Deduper Users · Gatehouse Setup"), browser.page_source
        check("an unassignment's review")
        gatehouse.cli("users", "unassign", "bob", "Deduper Users", "--yes")
        # The explanation of a refusal with its fixes, and a fix's review.
        gatehouse.cli("apps", "set-policy", "Deduper", "--permitted-users", "admin-approved-preauthorized", "--yes")
        browser.get(gatehouse.issuer + "/admin/explain?user=bob&app=Deduper")
        assert wait_for(lambda: "bob cannot use Deduper" in browser.page_source), browser.page_source
        check("the explanation of a refusal")
        browser.find_element(By.XPATH, "//button[text()='Review: enable profile Sales on app Deduper']").click()
        assert wait_for(lambda: browser.title.startswith("Review: enable profile Sales")), browser.page_source
        check("a fix's review")
    finally:
        browser.quit()
