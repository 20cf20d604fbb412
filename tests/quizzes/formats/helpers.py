"""Examples and Hypothesis strategies shared by the format tests."""

from hypothesis import strategies as st

from quizzes.questionspec import normalise_question

# Characters that mean something to one of the formats, to make edits hit the syntax.
SYNTAX = "{}=~#:->%.\\/[]$<>&;!\"' \n\t\r\x00TFABCDQ0123456789"


def texts(alphabet: str | None = None) -> st.SearchStrategy[str]:
    """Text over `alphabet`, else any Unicode but NUL, CR and lone surrogates."""
    if alphabet is not None:
        return st.text(alphabet=alphabet)
    return st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"))


def hostile_texts() -> st.SearchStrategy[str]:
    """Anything a str can hold, lone surrogates and NUL included."""
    return st.text(st.characters(blacklist_categories=())) | st.text(alphabet=SYNTAX + "\ud800")


@st.composite
def mutations(draw: st.DrawFn, sample: str) -> str:
    """`sample` after a few random deletions, insertions, replacements and duplications."""
    text = sample
    for _ in range(draw(st.integers(1, 6))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, min(len(text), start + 40)))
        operation = draw(st.sampled_from(["delete", "insert", "replace", "duplicate"]))
        inserted = draw(st.text(alphabet=SYNTAX, max_size=8))
        if operation == "delete":
            text = text[:start] + text[end:]
        elif operation == "insert":
            text = text[:start] + inserted + text[start:]
        elif operation == "replace":
            text = text[:start] + inserted + text[end:]
        else:
            text = text[:end] + text[start:end] + text[end:]
    return text


EVERY_KIND = [
    {
        "slug": "helsinki-year",
        "name": "Helsinki year",
        "kind": "numeric",
        "prompt": "In which year was the *Helsinki Final Act* signed?",
        "category": "history",
        "explanation": "In 1975: see [the lesson](lesson:helsinki).",
        "answers": [
            {"value": 1975, "tolerance": 0, "credit": 100, "feedback": "Yes."},
            {"value": -1975.5, "tolerance": 2.25, "credit": 50, "feedback": "Close: #2."},
        ],
        "points": 3,
        "concepts": ["indivisible-security"],
        "source": "report",
        "locator": "Abstract",
    },
    {
        "slug": "league",
        "kind": "single",
        "prompt": "Which article?",
        "category": "history",
        "choices": [
            {"text": "Article 10", "credit": 100, "feedback": "Right = good."},
            {"text": "Article 16", "credit": 33.33333, "feedback": ""},
            {"text": "[html] is not a prefix here", "credit": 0, "feedback": "~ no"},
        ],
    },
    {
        "slug": "two",
        "name": "Two: concepts",
        "kind": "multiple",
        "prompt": "Which two?",
        "category": "concepts",
        "choices": [
            {"text": "Collective", "credit": 100},
            {"text": "Indivisible", "credit": -50, "feedback": "{not} this"},
            {"text": "Mercantile", "credit": -50},
        ],
    },
    {
        "slug": "tf-true",
        "kind": "true_false",
        "prompt": "The CSCE became the OSCE in 1995.",
        "category": "concepts",
        "answer": True,
        "feedback_true": "Right.",
        "feedback_false": "",
    },
    {
        "slug": "tf-false",
        "kind": "true_false",
        "prompt": "The OSCE dates from 1975.",
        "category": "concepts",
        "answer": False,
        "feedback_true": "",
        "feedback_false": "Right: the CSCE did.",
        "explanation": "Renamed in 1995.",
    },
    {
        "slug": "document",
        "kind": "short_answer",
        "prompt": "Name the 1975 document.",
        "category": "concepts",
        "answers": [
            {"text": "Helsinki Final Act", "credit": 100, "feedback": "Exactly."},
            {"text": "Helsinki*", "credit": 50},
        ],
    },
    {
        "slug": "slogans",
        "kind": "matching",
        "prompt": "Match each concept to its slogan.",
        "category": "concepts",
        "pairs": [
            {"left": "Collective defence", "right": "an attack on one -> all"},
            {"left": "Collective security", "right": "all against the aggressor"},
        ],
        "distractors": ["every state for itself"],
    },
    {
        "slug": "dilemma",
        "kind": "essay",
        "prompt": "Explain the security dilemma.\n\n1. Both sides\n2. Their fears",
        "category": "concepts",
        "explanation": "Name both sides.",
        "min_words": 150,
        "guidance": "Look for fears.",
    },
]


def comparable(question: dict, dropped: tuple[str, ...]) -> dict:
    normalised = normalise_question(question)
    return {key: value for key, value in normalised.items() if key not in dropped}
