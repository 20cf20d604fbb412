"""The one Markdown function: renders what authors need, and nothing that runs."""

import re

import pytest

from courses.markdown import internal_links, render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<iframe src='https://evil.example'></iframe>",
    "<iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'></iframe>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "<p style='background:url(javascript:alert(1))'>x</p>",
    "<div onmouseover='alert(1)'>hover</div>",
    "<body onload=alert(1)>",
    "<object data='javascript:alert(1)'></object>",
    "<embed src='javascript:alert(1)'>",
    "<form action='javascript:alert(1)'><button>x</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<link rel=stylesheet href='https://evil.example/x.css'>",
    "<meta http-equiv='refresh' content='0;url=javascript:alert(1)'>",
    "<base href='https://evil.example/'>",
    "<style>body{background:url(https://evil.example)}</style>",
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
]

FORBIDDEN = [
    re.compile(
        r"<\s*(script|iframe|object|embed|form|input|style|link|meta|base|svg|math|body|details)\b",
        re.I,
    ),
    re.compile(r"\son[a-z]+\s*=", re.I),
    re.compile(r"javascript:|vbscript:|data:", re.I),
    re.compile(r"\sstyle\s*=", re.I),
    re.compile(r"\ssrcdoc\s*=", re.I),
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_never_survives(payload):
    """Each payload, alone or inside ordinary Markdown, renders to inert HTML."""
    for text in (payload, f"# Title\n\nSome *text* {payload} more.\n\n- item {payload}"):
        html = render_markdown(text)
        for pattern in FORBIDDEN:
            assert not pattern.search(html), f"{pattern.pattern!r} survived in {html!r}"


def test_there_are_at_least_twenty_payloads():
    assert len(XSS_PAYLOADS) >= 20


def test_renders_headings_tables_footnotes_and_toc():
    html = render_markdown(
        "[TOC]\n\n## Origins\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\nClaim.[^1]\n\n[^1]: Source."
    )
    assert '<h2 id="origins">Origins</h2>' in html
    assert '<th align="left">a</th>' in html
    assert '<div class="footnote">' in html
    assert '<div class="toc">' in html


def test_ordinary_links_are_kept_with_rel():
    html = render_markdown("[OSCE](https://www.osce.org/)")
    assert 'href="https://www.osce.org/"' in html
    assert 'rel="noopener noreferrer"' in html


def test_internal_links_are_resolved_and_unknown_ones_dropped():
    def resolve(scheme, slug):
        return f"/x/{scheme}/{slug}/" if slug == "known" else None

    html = render_markdown("[a](concept:known) [b](lesson:missing)", resolver=resolve)
    assert 'href="/x/concept/known/"' in html
    assert "missing" not in html
    assert "<a" in html and ">b</a>" in html


def test_internal_links_without_resolver_keep_no_href():
    assert "href" not in render_markdown("[a](concept:known)")


def test_internal_links_are_listed_for_validation():
    assert internal_links("See [x](concept:a-b) and [y](lesson:c) and [z](https://e.org)") == [
        ("concept", "a-b"),
        ("lesson", "c"),
    ]


def test_empty_text_renders_empty():
    assert render_markdown("") == ""
