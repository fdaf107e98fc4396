"""The admin console in a real browser (Debian's Chromium, headless): an admin signs in through Gatehouse's own
login page, finds the app with Quick Find, flips it to admin-approved after seeing who loses access, and the flip is
in force at once. Every console page passes axe-core with no serious or critical violation."""

import json
import time

import pytest

from test_browser import CHROMIUM, CHROMEDRIVER, screenshot, wait_for

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


def set_up(gatehouse):
    """bob (profile Sales, which does not grant it) and Deduper, a self-authorize app; the admin signs in as `admin`."""
    gatehouse.cli("apply", "-", stdin="""
profiles:
  - {name: Sales}
users:
  - {username: bob, email: bob@example.com, password: bob-password-1, profile: Sales}
connectedApps:
  - name: Deduper
    clientId: deduper
    clientSecret: deduper-secret-0123456789
    callbackUrls: [https://deduper.example/cb]
    scopes: [openid, profile]
""")
    time.sleep(0.5)


def sign_in(browser, gatehouse, path="/admin"):
    from selenium.webdriver.common.by import By

    browser.get(gatehouse.issuer + path)
    assert wait_for(lambda: browser.title == "Sign in · Gatehouse"), browser.page_source
    browser.find_element(By.ID, "username").send_keys("admin")
    browser.find_element(By.ID, "password").send_keys("admin-password-e2e")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert wait_for(lambda: browser.title.endswith("· Gatehouse Setup")), browser.page_source


def test_the_seed_flip_in_the_console(gatehouse, console_browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    set_up(gatehouse)
    browser = console_browser
    sign_in(browser, gatehouse)
    assert browser.find_element(By.TAG_NAME, "h1").text == "Setup"
    screenshot(browser, "console-home")

    find = browser.find_element(By.ID, "quick-find")
    find.send_keys("dedu")
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
    screenshot(browser, "console-app-review")
    browser.find_element(By.XPATH, "//button[text()='Save the change']").click()
    assert wait_for(lambda: "Saved. The change is in force now." in browser.page_source)
    assert "Admin approved users are pre-authorized" in browser.page_source

    # In force at once: bob, whom nothing grants Deduper, is refused with the reason.
    explained = gatehouse.cli_result("access", "explain", "--user", "bob", "--app", "Deduper", "--json")
    assert explained.returncode == 3  # refused
    assert json.loads(explained.stdout)["reason"] == "user_not_admin_approved"

    # Sign out: the console's session and the Gatehouse sign-in both end.
    browser.find_element(By.XPATH, "//button[text()='Sign out']").click()
    assert wait_for(lambda: "You are signed out" in browser.page_source)
    browser.get(gatehouse.issuer + "/admin")
    assert wait_for(lambda: browser.title == "Sign in · Gatehouse"), "a password again, not a silent sign-in"


def axe_check(browser, page):
    from axe_selenium_python import Axe

    axe = Axe(browser)
    axe.inject()
    results = axe.run()
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{page}: " + "; ".join(
        f"{v['id']}: {v['help']} at {[n['html'] for n in v['nodes']]}" for v in serious)


def test_an_access_request_from_the_refusal_page_to_an_approval_in_the_console(gatehouse, console_browser):
    """The seed's story with the request in it: Deduper becomes admin-approved, bob is refused at sign-in and asks
    for access with a note, the admin approves it in the console through the profile, bob is in at once."""
    from urllib.parse import urlencode

    from selenium.webdriver.common.by import By

    set_up(gatehouse)
    gatehouse.cli("apps", "set-policy", "Deduper", "--permitted-users", "admin-approved-preauthorized", "--yes")
    query = urlencode({"response_type": "code", "client_id": "deduper", "redirect_uri": "https://deduper.example/cb",
                       "scope": "openid", "state": "s1", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                       "code_challenge_method": "S256"})
    bob = make_browser(javascript=True)  # axe-core runs as a script in the page; the page itself needs none
    try:
        bob.get(f"{gatehouse.issuer}/authorize?{query}")
        assert wait_for(lambda: bob.title == "Sign in · Gatehouse"), bob.page_source
        bob.find_element(By.ID, "username").send_keys("bob")
        bob.find_element(By.ID, "password").send_keys("bob-password-1")
        bob.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        assert wait_for(lambda: bob.title == "Approval needed · Gatehouse"), bob.page_source
        assert "An administrator must approve you to use Deduper" in bob.page_source
        axe_check(bob, "the access-request page")
        bob.find_element(By.ID, "note").send_keys("I clean the Q4 leads with it")
        screenshot(bob, "access-request")
        bob.find_element(By.XPATH, "//button[text()='Request access']").click()
        assert wait_for(lambda: "Your request was sent." in bob.page_source), bob.page_source
        axe_check(bob, "the access-request page, sent")

        browser = console_browser
        sign_in(browser, gatehouse)
        browser.find_element(By.PARTIAL_LINK_TEXT, "Access requests").click()
        assert wait_for(lambda: browser.title == "Access requests · Gatehouse Setup"), browser.page_source
        assert "I clean the Q4 leads with it" in browser.page_source
        browser.find_element(By.LINK_TEXT, "bob").click()
        assert wait_for(lambda: browser.title == "Access request of bob · Gatehouse Setup")
        assert "user is not admin approved to access this app" in browser.page_source
        screenshot(browser, "console-access-request")
        browser.find_element(By.XPATH, "//button[text()='Approve through profile Sales']").click()
        assert wait_for(lambda: "Approved by console:admin" in browser.page_source), browser.page_source

        # In force at once, and bob sees it on his account page.
        explained = gatehouse.cli_result("access", "explain", "--user", "bob", "--app", "Deduper")
        assert explained.returncode == 0, explained.stdout
        bob.get(gatehouse.issuer + "/account")
        assert wait_for(lambda: "Your access requests" in bob.page_source)
        assert "Approved" in bob.page_source
        axe_check(bob, "the account page with a request")
        audit = json.loads(gatehouse.cli("audit", "--target", "bob", "--json"))
        assert any(e["action"] == "user.access-request-approved" for e in audit), audit
    finally:
        bob.quit()


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
                 "/admin/login-history?result=refused&since=bogus", "/admin/audit", "/admin/permission-sets"]
        for page in pages:
            browser.get(page if page.startswith("http") else gatehouse.issuer + page)
            check(page)
        # Preferences: times in a zone chosen from the list, the UTC value on hover.
        browser.find_element(By.PARTIAL_LINK_TEXT, "Times in UTC").click()
        assert wait_for(lambda: browser.title == "Preferences · Gatehouse Setup"), browser.page_source
        check("the preferences page")
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
