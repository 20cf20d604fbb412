"""One question of each kind, with a distinctive marker in every field a learner must
not see before submitting (feedback, explanations, guidance), for the leak tests."""

SECRET = "zqsecret"


def secret(name: str) -> str:
    return f"{SECRET}{name}"


SPECS = {
    "single": {
        "slug": "q-single",
        "kind": "single",
        "prompt": "Which act created the CSCE?",
        "source": "src",
        "explanation": secret("explainsingle"),
        "choices": [
            {"text": "Helsinki Final Act", "credit": 100, "feedback": secret("fbright")},
            {"text": "Treaty of Versailles", "credit": 0, "feedback": secret("fbwrong")},
            {"text": "Charter of Paris", "credit": 50, "feedback": secret("fbnear")},
        ],
    },
    "multiple": {
        "slug": "q-multiple",
        "kind": "multiple",
        "prompt": "Which are concepts?",
        "source": "src",
        "explanation": secret("explainmultiple"),
        "choices": [
            {"text": "Collective security", "credit": 50, "feedback": secret("m1")},
            {"text": "Collective defence", "credit": 50, "feedback": secret("m2")},
            {"text": "Pizza", "credit": -100, "feedback": secret("m3")},
        ],
    },
    "true_false": {
        "slug": "q-tf",
        "kind": "true_false",
        "prompt": "The OSCE came first.",
        "answer": False,
        "source": "src",
        "explanation": secret("explaintf"),
        "feedback_true": secret("tftrue"),
        "feedback_false": secret("tffalse"),
    },
    "short_answer": {
        "slug": "q-short",
        "kind": "short_answer",
        "prompt": "Name the 1975 document.",
        "source": "src",
        "explanation": secret("explainshort"),
        "answers": [
            {"text": "Helsinki Final Act", "credit": 100, "feedback": secret("sa1")},
            {"text": "Helsinki*", "credit": 50, "feedback": secret("sa2")},
        ],
    },
    "numeric": {
        "slug": "q-numeric",
        "kind": "numeric",
        "prompt": "In which year?",
        "source": "src",
        "explanation": secret("explainnumeric"),
        "answers": [
            {"value": 1975, "tolerance": 0, "credit": 100, "feedback": secret("n1")},
            {"value": 1975, "tolerance": 2, "credit": 50, "feedback": secret("n2")},
        ],
    },
    "ordering": {
        "slug": "q-ordering",
        "kind": "ordering",
        "prompt": "Put in order.",
        "source": "src",
        "explanation": secret("explainordering"),
        "items": ["League of Nations", "UN Charter", "Helsinki Final Act", "OSCE"],
    },
    "matching": {
        "slug": "q-matching",
        "kind": "matching",
        "prompt": "Match.",
        "source": "src",
        "explanation": secret("explainmatching"),
        "pairs": [
            {"left": "Collective defence", "right": "An attack on one"},
            {"left": "Collective security", "right": "All against an aggressor"},
        ],
        "distractors": ["Nobody helps"],
    },
    "essay": {
        "slug": "q-essay",
        "kind": "essay",
        "prompt": "Discuss.",
        "min_words": 50,
        "source": "src",
        "explanation": secret("explainessay"),
        "guidance": secret("guidance"),
    },
}

RIGHT_ANSWERS = {
    "single": 0,
    "multiple": [0, 1],
    "true_false": False,
    "short_answer": "helsinki final act.",
    "numeric": "1975",
    "ordering": [0, 1, 2, 3],
    "matching": [0, 1],
    "essay": "An essay " * 60,
}
