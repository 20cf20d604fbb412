"""Reading content files so that every problem names its file, line and field.

YAML mappings are loaded as `Located` dicts that remember the line of each key, so a
missing or wrong field can be reported where it is. Anchors and aliases are refused (they
are never needed in content and are how a small YAML file expands into a huge one), and so
are files over `MAX_FILE_BYTES` and nesting deeper than `MAX_NESTING`. Parsing uses
LibYAML's C parser when PyYAML was built with it (the wheels are), which is several times
faster than the pure-Python one.
"""

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 2_000_000
MAX_NESTING = 50  # content files nest about 5 deep
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n?(.*)\Z", re.DOTALL)
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class Located(dict):
    """A YAML mapping that knows the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"
_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
_NO_KEY = object()
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"


class _TooDeep(Exception):
    pass


def _load(text: str) -> Any:
    """The one YAML document in `text`, built from the parser's events in a single pass.

    Mappings become `Located`, sequences lists, scalars what the safe loader makes of them.
    Building from events (LibYAML scans and parses in C) needs no node tree and no second
    pass, and never recurses: LibYAML's own composer recurses in C, where 50,000 "[" crash
    the process. Nesting stops at MAX_NESTING, or at LibYAML's scanner limit when that
    comes first. Anchors are refused where they are defined, before any alias can repeat
    them ("billion laughs").
    """
    loader = _BaseLoader(text)
    try:
        return _document(loader)
    except yaml.MarkedYAMLError as exc:
        if exc.problem == _LIBYAML_TOO_DEEP:
            raise _TooDeep from None
        raise
    finally:
        loader.dispose()


def _document(loader) -> Any:
    loader.get_event()  # StreamStart
    if loader.check_event(yaml.StreamEndEvent):
        return None
    loader.get_event()  # DocumentStart
    value = _build(loader)
    loader.get_event()  # DocumentEnd
    if not loader.check_event(yaml.StreamEndEvent):
        raise yaml.MarkedYAMLError(
            problem="a content file holds one YAML document",
            problem_mark=loader.get_event().start_mark,
        )
    return value


def _build(loader) -> Any:
    stack: list[list] = []  # [container, key awaiting its value (or _NO_KEY)]
    while True:
        event = loader.get_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                problem="anchors and aliases (&name, *name) are not allowed in content files",
                problem_mark=event.start_mark,
            )
        if isinstance(event, yaml.ScalarEvent):
            value = _scalar(loader, event)
        elif isinstance(event, yaml.CollectionStartEvent):
            if len(stack) >= MAX_NESTING:
                raise _TooDeep
            if event.tag not in _COLLECTION_TAGS:
                raise yaml.MarkedYAMLError(
                    problem=f"the tag {event.tag} is not allowed in content files",
                    problem_mark=event.start_mark,
                )
            if isinstance(event, yaml.MappingStartEvent):
                container = Located()
                container.line, container.key_lines = event.start_mark.line + 1, {}
            else:
                container = []
            stack.append([container, _NO_KEY])
            continue
        else:  # the end of a mapping or sequence
            value = stack.pop()[0]
        if not stack:
            return value
        parent = stack[-1]
        if isinstance(parent[0], list):
            parent[0].append(value)
        elif parent[1] is _NO_KEY:
            if isinstance(value, dict | list):
                raise yaml.MarkedYAMLError(
                    problem="a key must be a plain value", problem_mark=event.start_mark
                )
            parent[1] = value
            if isinstance(event, yaml.ScalarEvent):
                parent[0].key_lines[event.value] = event.start_mark.line + 1
        else:
            parent[0][parent[1]] = value
            parent[1] = _NO_KEY


def _scalar(loader, event: yaml.ScalarEvent) -> Any:
    """What the safe loader makes of a scalar: str, int, float, bool, None or a date."""
    tag = event.tag
    if tag is None or tag == "!":
        if not event.implicit[0]:  # quoted or a block: always a string
            return event.value
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == _STR_TAG:
        return event.value
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    constructor = loader.yaml_constructors.get(tag) or loader.yaml_constructors[None]
    return constructor(loader, node)


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return (
            f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )


class ContentError(Exception):
    """Content files that cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class FileReader:
    """Reads files below `root`, collecting problems instead of stopping at the first."""

    root: Path
    problems: list[Problem] = field(default_factory=list)

    def rel(self, path: Path) -> str:
        """Paths are built from the root as the user gave it, so they read as typed."""
        return str(path)

    def error(self, path: Path | str, line: int | None, field_name: str, message: str) -> None:
        where = self.rel(path) if isinstance(path, Path) else path
        self.problems.append(Problem(where, line, field_name, message))

    def read_text(self, path: Path) -> str | None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.error(path, None, "", f"file is larger than {MAX_FILE_BYTES:,} bytes")
                return None
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self.error(path, None, "", f"not UTF-8 text (byte {exc.start})")
        except OSError as exc:
            self.error(path, None, "", f"cannot read: {exc.strerror}")
        return None

    def parse_yaml(self, path: Path, text: str, line_offset: int = 0) -> Any:
        # Blank lines in front keep every mark's line number true to the whole file.
        text = "\n" * line_offset + text
        try:
            return _load(text)
        except _TooDeep:
            self.error(path, None, "", f"YAML is nested more than {MAX_NESTING} levels deep")
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            self.error(path, line, "", f"YAML syntax: {exc.problem or exc.context}")
        except yaml.YAMLError as exc:
            self.error(path, None, "", f"YAML syntax: {exc}")
        return None

    def load_yaml(self, path: Path) -> Any:
        text = self.read_text(path)
        return None if text is None else self.parse_yaml(path, text)

    def load_front_matter(self, path: Path) -> tuple[Any, str]:
        """Split a Markdown file into its YAML front matter and body."""
        text = self.read_text(path)
        if text is None:
            return None, ""
        match = FRONT_MATTER.match(text)
        if not match:
            self.error(path, 1, "", "a lesson starts with YAML front matter between '---' lines")
            return None, ""
        return self.parse_yaml(path, match.group(1), line_offset=1), match.group(2)

    def mapping(self, path: Path, data: Any, what: str, line: int | None = None) -> bool:
        if isinstance(data, Located):
            return True
        self.error(path, getattr(data, "line", line), "", f"{what} must be a mapping of fields")
        return False

    def check_fields(
        self,
        path: Path,
        data: Located,
        spec: dict[str, tuple[type | tuple, bool]],
        prefix: str = "",
    ) -> bool:
        """Check types, required fields and unknown keys; spec maps name -> (types, required)."""
        ok = True
        for name, (types, required) in spec.items():
            value = data.get(name)
            if value is None or value == "":
                if required:
                    self.error(path, data.line, prefix + name, "is required")
                    ok = False
                continue
            if not isinstance(value, types) or (
                isinstance(value, bool) and bool not in _as_tuple(types)
            ):
                expected = " or ".join(t.__name__ for t in _as_tuple(types))
                self.error(path, data.line_of(name), prefix + name, f"must be {expected}")
                ok = False
        for name in data:
            if name not in spec:
                allowed = ", ".join(spec)
                self.error(
                    path,
                    data.line_of(name),
                    prefix + str(name),
                    f"unknown field (allowed: {allowed})",
                )
                ok = False
        return ok

    def check_slug(self, path: Path, data: Located, name: str = "slug", prefix: str = "") -> bool:
        value = data.get(name)
        if isinstance(value, str) and SLUG_PATTERN.match(value):
            return True
        if value is not None:
            self.error(
                path,
                data.line_of(name),
                prefix + name,
                f"{value!r} is not a slug (a-z, 0-9, hyphens)",
            )
        return False

    def check_list_of(
        self, path: Path, data: Located, name: str, kind: type, prefix: str = ""
    ) -> bool:
        values = data.get(name) or []
        if all(isinstance(v, kind) for v in values):
            return True
        self.error(path, data.line_of(name), prefix + name, f"must be a list of {kind.__name__}")
        return False


def _as_tuple(types: type | tuple) -> tuple:
    return types if isinstance(types, tuple) else (types,)


def parse_partial_date(value: Any) -> tuple[datetime.date, str] | None:
    """'1975' -> (1975-01-01, 'year'); '1975-08' -> month; '1975-08-01' -> day."""
    if isinstance(value, datetime.date):
        return value, "day"
    match = PARTIAL_DATE.match(str(value).strip())
    if not match:
        return None
    year, month, day = match.groups()
    try:
        date = datetime.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return date, "day" if day else "month" if month else "year"


ISO_FORMATS = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


def format_partial_date_iso(date: datetime.date, precision: str) -> str:
    """The inverse of parse_partial_date, for export."""
    return date.strftime(ISO_FORMATS[precision])


def ordered_entries(folder: Path, pattern: str) -> list[tuple[int, str, Path]]:
    """Entries named NN-slug in order: (position, slug, path)."""
    entries = []
    for path in sorted(folder.glob(pattern)):
        match = re.match(r"^(\d+)-(.+?)(?:\.md)?$", path.name)
        if match:
            entries.append((int(match.group(1)), match.group(2), path))
    return entries


def dump_yaml(data: Any) -> str:
    """YAML as a person writes it: keys in order, Unicode kept, long text as blocks."""
    return yaml.dump(data, Dumper=_ReadableDumper, sort_keys=False, allow_unicode=True, width=100)


class _ReadableDumper(yaml.SafeDumper):
    pass


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ReadableDumper.add_representer(str, _represent_str)
_ReadableDumper.add_representer(Located, _ReadableDumper.represent_dict)
