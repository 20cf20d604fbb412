"""The form inputs of one question, written in Python.

An attempt page has a dozen questions and about a hundred options; as template loops with
a lookup and a filter per option they were most of the page's cost (docs/benchmarks.md).
This writes the same markup, with every value escaped, from the card only: the learner
view (`quizzes.presentation.learner_view`) and the learner's own saved answer, so it can
hold nothing of the key. tests/quizzes/test_inputs.py checks it against the template it
replaced, kind by kind.
"""

from django.utils.html import conditional_escape as esc
from django.utils.translation import gettext, ngettext


def question_inputs(card, lang: str, disabled: bool) -> str:
    """The markup between the question's prompt and its review block."""
    kind = card.view["kind"]
    write = WRITERS.get(kind)
    return (
        write(card, card.view, esc(card.prefix), esc(lang), " disabled" if disabled else "")
        if write
        else ""
    )


def _choices(card, view, p, lang, off) -> str:
    kind = "checkbox" if view["kind"] == "multiple" else "radio"
    rows = [
        f'<div class="form-check"><input class="form-check-input" type="{kind}" name="{p}" '
        f'id="{p}-o{esc(o["value"])}" value="{esc(o["value"])}"'
        f"{' checked' if o['value'] in card.chosen else ''}{off}>\n"
        f'<label class="form-check-label" for="{p}-o{esc(o["value"])}" lang="{lang}">'
        f"{esc(o['text'])}</label></div>"
        for o in view["choices"]
    ]
    if view["kind"] == "multiple":
        hint = esc(gettext("Choose every answer that applies."))
        rows.insert(0, f'<p class="small text-body-secondary">{hint}</p>')
    return "\n".join(rows)


def _text(card, view, p, lang, off) -> str:
    numeric = view["kind"] == "numeric"
    label = esc(gettext("Your answer (a number)") if numeric else gettext("Your answer"))
    mode = ' inputmode="decimal"' if numeric else ""
    return (
        f'<label class="form-label" for="{p}">{label}</label>\n'
        f'<input class="form-control" type="text"{mode} name="{p}" id="{p}" '
        f'maxlength="{esc(view["max_length"])}" value="{esc(card.value())}" '
        f'autocomplete="off"{off}>'
    )


def _essay(card, view, p, lang, off) -> str:
    words = view.get("min_words")
    if words:  # as {% blocktranslate %} gives it: the sentence as translated, the number escaped
        label = ngettext(
            "Your answer (at least %(counter)s word)",
            "Your answer (at least %(counter)s words)",
            words,
        ) % {"counter": esc(words)}
    else:
        label = esc(gettext("Your answer"))
    return (
        f'<label class="form-label" for="{p}">{label}</label>\n'
        f'<textarea class="form-control" name="{p}" id="{p}" rows="10" '
        f'maxlength="{esc(view["max_length"])}"{off}>{esc(card.value())}</textarea>'
    )


def _select_options(options, current) -> str:
    return "".join(
        f'<option{attrs} value="{esc(value)}"{" selected" if current == value else ""}>'
        f"{esc(text)}</option>"
        for attrs, value, text in options
    )


def _ordering(card, view, p, lang, off) -> str:
    ranks = view["ranks"]
    help_text = gettext(
        "Give each item its position in the right order: 1 for the first, %(last)s for "
        "the last. Each position once."
    ) % {"last": len(ranks)}
    items = []
    for item in view["items"]:
        name = f"{p}-{esc(item['value'])}"
        current = card.values.get(f"-{item['value']}", "")
        ranks_html = _select_options((("", rank, rank) for rank in ranks), current)
        items.append(
            '<li class="d-flex align-items-center gap-2 mb-2">\n'
            f'<select class="form-select form-select-sm w-auto" name="{name}" id="{name}" '
            f'aria-describedby="{p}-help"{off}>\n'
            f'<option value="">–</option>\n{ranks_html}\n</select>\n'
            f'<label for="{name}" lang="{lang}">{esc(item["text"])}</label>\n</li>'
        )
    return (
        f'<p class="small text-body-secondary" id="{p}-help">{help_text}</p>\n'
        '<ol class="list-unstyled">\n' + "\n".join(items) + "\n</ol>"
    )


def _matching(card, view, p, lang, off) -> str:
    choose = esc(gettext("Choose…"))
    lang_attr = f' lang="{lang}"'
    rows = []
    for index, left in enumerate(view["lefts"]):
        current = card.values.get(f"-{index}", "")
        options = _select_options(
            ((lang_attr, o["value"], o["text"]) for o in view["options"]), current
        )
        rows.append(
            f'<tr><th scope="row" lang="{lang}"><label for="{p}-{index}">{esc(left)}</label></th>\n'
            f'<td><select class="form-select form-select-sm" name="{p}-{index}" '
            f'id="{p}-{index}"{off}>\n'
            f'<option value="">{choose}</option>\n{options}\n</select></td></tr>'
        )
    return (
        '<table class="table table-sm align-middle">\n<tbody>\n'
        + "\n".join(rows)
        + "\n</tbody>\n</table>"
    )


WRITERS = {
    "single": _choices,
    "true_false": _choices,
    "multiple": _choices,
    "short_answer": _text,
    "numeric": _text,
    "essay": _essay,
    "ordering": _ordering,
    "matching": _matching,
}
