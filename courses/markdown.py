"""The one function that turns Markdown into HTML a page may show.

Every Markdown field in the project (lessons, definitions, prompts, explanations, imported
questions) goes through `render_markdown`. It renders with python-markdown and then
sanitises with nh3 against an allow-list, so raw HTML in the source, `on*=` attributes,
`style`, `javascript:` and `data:` URLs never reach a page. Templates mark only its output
safe.

Links of the form `concept:slug` and `lesson:slug` point inside a course; the renderer
rewrites them with a resolver before sanitising, and drops links it cannot resolve.
"""

import re
from collections.abc import Callable
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

LinkResolver = Callable[[str, str], str | None]
"""(scheme, slug) -> URL, or None when the target does not exist."""

INTERNAL_LINK = re.compile(r"^(concept|lesson):([a-z0-9]+(?:-[a-z0-9]+)*)$")

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1",
    "h2", "h3", "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "s", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "li": {"id"},
    "sup": {"id"},
    "ol": {"start"},
}  # fmt: skip
ALLOWED_CLASSES = {"div": {"footnote", "toc"}}
URL_SCHEMES = {"http", "https", "mailto"}

_EXTENSIONS = ["tables", "footnotes", "toc", "fenced_code", "sane_lists", "abbr", "def_list"]
_EXTENSION_CONFIGS = {
    "tables": {"use_align_attribute": True},
    "toc": {"permalink": False},
    "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
}


class _InternalLinks(Treeprocessor):
    def __init__(self, md: markdown.Markdown, resolver: LinkResolver | None) -> None:
        super().__init__(md)
        self.resolver = resolver

    def run(self, root: Element) -> None:
        for link in root.iter("a"):
            match = INTERNAL_LINK.match(link.get("href", ""))
            if not match:
                continue
            url = self.resolver(*match.groups()) if self.resolver else None
            if url:
                link.set("href", url)
            else:
                del link.attrib["href"]


class _InternalLinksExtension(Extension):
    def __init__(self, resolver: LinkResolver | None) -> None:
        super().__init__()
        self.resolver = resolver

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 - markdown's API
        md.treeprocessors.register(_InternalLinks(md, self.resolver), "internal_links", 0)


def render_markdown(text: str, *, resolver: LinkResolver | None = None) -> str:
    """Render Markdown to sanitised HTML; the only path from user text to `|safe`."""
    if not text:
        return ""
    html = markdown.markdown(
        text,
        extensions=[*_EXTENSIONS, _InternalLinksExtension(resolver)],
        extension_configs=_EXTENSION_CONFIGS,
        output_format="html",
    )
    return sanitise_html(html)


def sanitise_html(html: str) -> str:
    """Clean HTML against the allow-list (exposed for HTML that arrives without Markdown)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def internal_links(text: str) -> list[tuple[str, str]]:
    """Every (scheme, slug) of `concept:` and `lesson:` links in Markdown, for validation."""
    return re.findall(r"\]\((concept|lesson):([^)\s]+)\)", text or "")
