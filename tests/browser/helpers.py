"""A thin layer over Selenium for the browser tests: visiting, waiting, the keyboard,
screenshots and axe-core."""

import base64
import json
import math
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.test import Client
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

WAIT_SECONDS = 10
TAB_LIMIT = 80
"""More Tab presses than any page here needs to reach a field; beyond it, it is unreachable."""
SERIOUS = {"serious", "critical"}

# Runs inside the page: axe's own promise, reported back to Selenium's callback.
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then(result => done(result.violations))
  .catch(error => done({error: String(error)}));
"""


class Browser:
    """One test's view of the shared Chromium: the live server's URL and an output folder."""

    def __init__(self, driver, base_url: str, output: Path) -> None:
        self.driver, self.base_url, self.output = driver, base_url, output
        self.axe_source = ""
        self.shots = 0

    # Navigation.

    def reset(self) -> None:
        """One window, on the site, with no cookies: each test starts logged out."""
        handles = self.driver.window_handles
        for handle in handles[1:]:
            self.driver.switch_to.window(handle)
            self.driver.close()
        self.driver.switch_to.window(handles[0])
        self.visit("/healthz")
        self.driver.delete_all_cookies()

    def leave(self) -> None:
        """Unload the page, so that its scripts send nothing more."""
        self.driver.get("about:blank")

    def visit(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    @property
    def path(self) -> str:
        return self.driver.current_url.removeprefix(self.base_url)

    def login_as(self, user) -> None:
        """Log in without the form (journeys that test the form use it)."""
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        self.driver.add_cookie(
            {"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "path": "/"}
        )

    def find(self, css: str) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self, css: str = "main") -> str:
        return self.find(css).text

    def heading(self) -> str:
        return self.text("h1")

    def button(self, label: str) -> WebElement:
        """The visible button whose text starts with `label`."""
        for element in self.find_all("button, input[type=submit]"):
            text = element.text or element.get_attribute("value") or ""
            if element.is_displayed() and text.strip().startswith(label):
                return element
        raise AssertionError(f"No button {label!r} on {self.path}")

    def link(self, text: str) -> WebElement:
        return self.driver.find_element(By.PARTIAL_LINK_TEXT, text)

    def follow(self, element: WebElement) -> None:
        """Click something that loads a new page, and wait for the new page."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.click(element)
        self.wait_for_new_page(old)

    def click(self, element: WebElement) -> None:
        """Scroll the element into view at once (Bootstrap asks for smooth scrolling, which
        leaves the element still moving when the click lands), then click it."""
        self.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
        )
        element.click()

    def wait_for_new_page(self, old: WebElement) -> None:
        self.wait(_gone(old))
        self.wait(lambda d: d.execute_script("return document.readyState") == "complete")

    def fill(self, css: str, text: str) -> None:
        field = self.find(css)
        field.clear()
        field.send_keys(text)

    def wait(self, condition: Callable, timeout: float = WAIT_SECONDS):
        return WebDriverWait(self.driver, timeout).until(condition)

    def wait_for_text(self, css: str, text: str, timeout: float = WAIT_SECONDS) -> None:
        self.wait(expected_conditions.text_to_be_present_in_element((By.CSS_SELECTOR, css), text),
                  timeout)  # fmt: skip

    # The keyboard: keys go to whatever has focus, as a person's would.

    def press(self, *keys: str) -> None:
        ActionChains(self.driver).send_keys(*keys).perform()

    @property
    def focused(self) -> WebElement:
        return self.driver.switch_to.active_element

    def tab_to(self, matches: Callable[[WebElement], bool], what: str) -> WebElement:
        """Press Tab until the focused element matches; fail if Tab never reaches it."""
        for _ in range(TAB_LIMIT):
            self.press(Keys.TAB)
            element = self.focused
            if matches(element):
                return element
        raise AssertionError(f"Tab never reached {what} on {self.path}")

    def tab_to_id(self, element_id: str) -> WebElement:
        return self.tab_to(lambda e: e.get_attribute("id") == element_id, f"#{element_id}")

    def tab_to_button(self, label: str) -> WebElement:
        return self.tab_to(
            lambda e: e.tag_name == "button" and e.text.strip().startswith(label),
            f"the button {label!r}",
        )

    def press_to_navigate(self, key: str = Keys.ENTER) -> None:
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.press(key)
        self.wait_for_new_page(old)

    # Output.

    def shot(self, name: str) -> Path:
        """A full-page screenshot, numbered in the order the test took them."""
        self.shots += 1
        path = self.output / f"{self.shots:02d}-{name}.png"
        path.write_bytes(self._full_page_png())
        return path

    def _full_page_png(self) -> bytes:
        """The whole page: the viewport stretched to the page's height for one capture.

        (Page.captureScreenshot's captureBeyondViewport leaves Chromium's idea of the
        viewport stretched, and later clicks then miss their elements.)
        """
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        viewport = self.driver.execute_script("return [window.innerWidth, window.innerHeight]")
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": viewport[0], "height": max(viewport[1], math.ceil(size["height"])),
            "deviceScaleFactor": 1, "mobile": False,
        })  # fmt: skip
        try:
            shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        return base64.b64decode(shot["data"])

    def keep_failure(self) -> None:
        """The page as it was when the test failed, to look at afterwards."""
        try:
            (self.output / "failure.html").write_text(self.driver.page_source, encoding="utf-8")
            (self.output / "failure.png").write_bytes(self._full_page_png())
            (self.output / "failure-url.txt").write_text(self.driver.current_url + "\n")
        except Exception as exc:  # a dead browser must not hide the test's own failure
            (self.output / "failure-error.txt").write_text(f"could not save the page: {exc}\n")

    # Accessibility.

    def axe(self, name: str) -> list[dict]:
        """Run axe-core on the page; save every violation, return the serious and critical."""
        assert self.axe_source, "request the `a11y` fixture to run axe-core"
        self.driver.execute_script(self.axe_source)
        violations = self.driver.execute_async_script(AXE_RUN)
        assert "error" not in violations, f"axe-core failed on {self.path}: {violations}"
        (self.output / f"axe-{name}.json").write_text(json.dumps(violations, indent=2))
        return [v for v in violations if v.get("impact") in SERIOUS]


def describe_violations(page: str, path: str, violations: list[dict]) -> str:
    """One line per rule and element: what the assertion message shows the reader."""
    lines = [f"{len(violations)} serious or critical axe-core violation(s) on {page} ({path}):"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").strip().splitlines()
            lines.append(f"    {target}: {summary[-1].strip() if summary else node['html'][:120]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def _gone(old: WebElement) -> Callable:
    """Like expected_conditions.staleness_of, but ChromeDriver sometimes reports a node of
    the page just left as "does not belong to the document" instead of as stale."""

    def check(driver) -> bool:
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
        return False

    return check
