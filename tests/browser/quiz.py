"""Answering the sample questions (tests/quizzes/samples.py) on a page, by mouse or by
keyboard alone, and reading the result page back.

The right answers are worked out from the specs and from what the page shows (ordering
items and matching options are shuffled per attempt), never from the server's display
order, so the tests answer exactly as a person reading the page would.
"""

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.browser.helpers import Browser
from tests.quizzes.samples import SPECS

ESSAY = "Collective security binds every member to act against an aggressor. " * 6


def right_texts(kind: str) -> list[str]:
    """The right answer as the page's option texts, or the text to type."""
    spec = SPECS[kind]
    if kind == "single":
        return [max(spec["choices"], key=lambda c: c["credit"])["text"]]
    if kind == "multiple":
        return [c["text"] for c in spec["choices"] if c["credit"] > 0]
    if kind == "true_false":
        return ["True" if spec["answer"] else "False"]
    if kind == "short_answer":
        return [spec["answers"][0]["text"]]
    if kind == "numeric":
        return [str(spec["answers"][0]["value"])]
    if kind == "essay":
        return [ESSAY]
    raise ValueError(f"{kind} has one answer per field; see ranks() and matches()")


def ranks() -> dict[str, str]:
    """Ordering: each item's text to its position, from 1."""
    return {item: str(rank) for rank, item in enumerate(SPECS["ordering"]["items"], 1)}


def matches() -> dict[str, str]:
    """Matching: each left-hand text to its right-hand text."""
    return {pair["left"]: pair["right"] for pair in SPECS["matching"]["pairs"]}


def questions(browser: Browser) -> list[tuple[str, str]]:
    """(kind, field prefix) of each question on the page, in page order."""
    by_prompt = {spec["prompt"]: kind for kind, spec in SPECS.items()}
    found = []
    for fieldset in browser.find_all("fieldset.question"):
        prompt = fieldset.find_element(By.CSS_SELECTOR, ".prompt").text.strip()
        slot = fieldset.get_attribute("id").removeprefix("question-")
        found.append((by_prompt[prompt], f"q{slot}"))
    return found


def _label_for(browser: Browser, element) -> str:
    return browser.find(f"label[for='{element.get_attribute('id')}']").text.strip()


def _options(browser: Browser, prefix: str) -> list:
    """The radios or checkboxes of a question, in page order."""
    return browser.find_all(f"input[name='{prefix}']")


def _selects(browser: Browser, prefix: str) -> list:
    return browser.find_all(f"select[name^='{prefix}-']")


# By mouse.


def answer_by_mouse(browser: Browser, kind: str, prefix: str) -> None:
    if kind in ("single", "true_false", "multiple"):
        wanted = set(right_texts(kind))
        for option in _options(browser, prefix):
            if _label_for(browser, option) in wanted:
                browser.click(browser.find(f"label[for='{option.get_attribute('id')}']"))
    elif kind in ("short_answer", "numeric", "essay"):
        browser.fill(f"#{prefix}", right_texts(kind)[0])
    elif kind == "ordering":
        for select in _selects(browser, prefix):
            Select(select).select_by_visible_text(ranks()[_label_for(browser, select)])
    elif kind == "matching":
        for select in _selects(browser, prefix):
            Select(select).select_by_visible_text(matches()[_label_for(browser, select)])


# By keyboard: Tab moves focus forward, so the fields are answered in page order.


def answer_by_keyboard(browser: Browser, kind: str, prefix: str) -> None:
    if kind in ("single", "true_false"):
        _radio_by_keyboard(browser, prefix, right_texts(kind)[0])
    elif kind == "multiple":
        wanted = set(right_texts(kind))
        for option in _options(browser, prefix):
            if _label_for(browser, option) in wanted:
                browser.tab_to_id(option.get_attribute("id"))
                browser.press(Keys.SPACE)
    elif kind in ("short_answer", "numeric", "essay"):
        browser.tab_to_id(prefix)
        browser.press(right_texts(kind)[0])
    elif kind == "ordering":
        _selects_by_keyboard(browser, prefix, ranks())
    elif kind == "matching":
        _selects_by_keyboard(browser, prefix, matches())


def _radio_by_keyboard(browser: Browser, prefix: str, wanted: str) -> None:
    """Tab into the group, arrow to the right option (arrows select), Space to be sure."""
    browser.tab_to(lambda e: e.get_attribute("name") == prefix, f"the options of {prefix}")
    for _ in _options(browser, prefix):
        if _label_for(browser, browser.focused) == wanted:
            browser.press(Keys.SPACE)
            return
        browser.press(Keys.ARROW_DOWN)
    raise AssertionError(f"The arrow keys never reached {wanted!r} in {prefix}")


def _selects_by_keyboard(browser: Browser, prefix: str, answers: dict[str, str]) -> None:
    """Focus each drop-down and type the start of the wanted option (type-ahead)."""
    for select in _selects(browser, prefix):
        wanted = answers[_label_for(browser, select)]
        browser.tab_to_id(select.get_attribute("id"))
        browser.press(wanted[:12])
        chosen = Select(select).first_selected_option.text.strip()
        assert chosen == wanted, f"typing {wanted[:12]!r} chose {chosen!r} in {prefix}"


def answer_all(browser: Browser, *, keyboard_kinds=frozenset(), mouse: bool = True) -> None:
    """Answer every question on the page right: by keyboard for `keyboard_kinds` (all
    when `mouse` is False), by mouse for the rest."""
    for kind, prefix in questions(browser):
        if not mouse or kind in keyboard_kinds:
            answer_by_keyboard(browser, kind, prefix)
        else:
            answer_by_mouse(browser, kind, prefix)


def slot(browser: Browser, kind: str) -> str:
    """The slot number of the question of this kind on the page."""
    return dict(questions(browser))[kind].removeprefix("q")


def result_states(browser: Browser) -> dict[str, str]:
    """Each question kind's verdict on the result page (Correct, Awaiting grading, ...)."""
    return {
        kind: browser.text(f"#question-{prefix.removeprefix('q')} .review p.fw-bold")
        for kind, prefix in questions(browser)
    }
