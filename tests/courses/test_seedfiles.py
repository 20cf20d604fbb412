"""The YAML reader: safe-loader values, the line of every mapping and key, hostile shapes."""

import datetime
from pathlib import Path

from courses.seedfiles import FileReader, Located

PATH = Path("x.yaml")


def parse(text: str, line_offset: int = 0):
    reader = FileReader(Path("."))
    return reader.parse_yaml(PATH, text, line_offset), [str(p) for p in reader.problems]


def test_values_are_what_the_safe_loader_makes():
    data, problems = parse(
        "n: 1\nf: 1.5\nflag: true\nnothing: ~\nday: 2020-01-02\nquoted: '12'\n"
        "text: |\n  two\n  lines\ntagged: !!str 7\nlist: [a, {b: 2}]\n"
    )
    assert problems == []
    assert data == {
        "n": 1, "f": 1.5, "flag": True, "nothing": None, "day": datetime.date(2020, 1, 2),
        "quoted": "12", "text": "two\nlines\n", "tagged": "7", "list": ["a", {"b": 2}],
    }  # fmt: skip
    assert isinstance(data["list"][1], Located)


def test_mappings_know_their_line_and_each_keys_line():
    data, _ = parse("title: T\nitems:\n  - slug: a\n    kind: b\n  - slug: c\n", line_offset=1)
    assert (data.line, data.line_of("title"), data.line_of("items")) == (2, 2, 3)
    first, second = data["items"]
    assert (first.line, first.line_of("kind"), second.line) == (4, 5, 6)
    assert first.line_of("missing") == 4


def test_an_anchor_is_refused_where_it_is_defined_even_unused():
    _, problems = parse("a: 1\nb: &x 2\n")
    assert problems == ["x.yaml:2: YAML syntax: anchors and aliases (&name, *name) are not "
                        "allowed in content files"]  # fmt: skip


def test_nesting_deeper_than_the_limit_is_refused():
    text = "".join(f"{'  ' * depth}k:\n" for depth in range(51)) + "  " * 51 + "k: v\n"
    _, problems = parse(text)
    assert problems == ["x.yaml: YAML is nested more than 50 levels deep"]
    data, problems = parse(
        "".join(f"{'  ' * depth}k:\n" for depth in range(49)) + "  " * 49 + "k: v\n"
    )
    assert problems == [] and data["k"]["k"]


def test_second_documents_collection_tags_and_mapping_keys_are_refused():
    for text, line, message in [
        ("a: 1\n---\nb: 2\n", 2, "a content file holds one YAML document"),
        ("a: !!set {x, y}\n", 1, "the tag tag:yaml.org,2002:set is not allowed"),
        ("? [a, b]\n: c\n", 1, "a key must be a plain value"),
    ]:
        _, problems = parse(text)
        assert len(problems) == 1 and problems[0].startswith(f"x.yaml:{line}: YAML syntax: "), (
            problems
        )
        assert message in problems[0]


def test_an_empty_file_is_none():
    assert parse("# nothing\n") == (None, [])
