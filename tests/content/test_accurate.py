"""Accurate, mechanically: the known slips in the sources are not repeated.

Most checks look at one sentence at a time and ignore text inside quotation marks, where a
source may be quoted in order to correct it.
"""

import re

from .helpers import prose, question_prose, sentences, without_quotations, words

GARBLED = ("xi jingping", "sea of azov sea", "who of how counseled", "right of decision")
NEGATION = re.compile(r"\b(not|never|no|nor|overstat\w*)\b", re.IGNORECASE)


def offending_sentences(course, rule):
    """Sentences outside quotations, with their files, for which rule(lowercase sentence) holds."""
    return [
        f"{piece.where}: {sentence}"
        for piece in prose(course)
        for sentence in sentences(without_quotations(piece.text))
        if rule(sentence.lower())
    ]


def test_garbled_phrases_from_the_sources_are_not_repeated(course):
    """The sources misspell Xi Jinping and garble some phrases; not even quotes may repeat them."""
    found = [
        f"{piece.where}: {phrase}"
        for piece in prose(course)
        for phrase in GARBLED
        if phrase in " ".join(words(piece.text))
    ]
    assert not found, "garbled phrases:\n" + "\n".join(found)


def helsinki_created_osce_without_csce(sentence):
    return (
        re.search(r"helsinki|final act", sentence)
        and re.search(r"\bosce\b", sentence)
        and re.search(
            r"\b(creat\w*|founded|founding|establish\w*|led to|set up|gave rise)\b", sentence
        )
        and "csce" not in sentence
        and not NEGATION.search(sentence)
    )


def test_helsinki_is_not_said_to_have_created_the_osce_directly(course):
    """The Final Act launched the CSCE, which became the OSCE only in 1994-95."""
    found = offending_sentences(course, helsinki_created_osce_without_csce)
    assert not found, "Helsinki-to-OSCE claims that skip the CSCE:\n" + "\n".join(found)


def pre_war_russia(sentence):
    return (
        re.search(r"\brussia", sentence)
        and re.search(r"(before|prior to) (the )?(second world war|world war ii|wwii)", sentence)
        and "soviet" not in sentence
    )


def test_pre_war_moscow_is_called_the_soviet_union(course):
    """Before the Second World War the state was the Soviet Union, not Russia."""
    found = offending_sentences(course, pre_war_russia)
    assert not found, "'Russia' before the Second World War:\n" + "\n".join(found)


def automatic_article_5(sentence):
    return "article 5" in sentence and "automatic" in sentence and not NEGATION.search(sentence)


def test_article_5_is_not_said_to_act_automatically(course):
    """Under Article 5 each ally takes the action it deems necessary; it need not be force."""
    found = offending_sentences(course, automatic_article_5)
    assert not found, "Article 5 presented as automatic:\n" + "\n".join(found)


def coalition_in_charter(sentence):
    return (
        "coalition of the willing" in sentence
        and "charter" in sentence
        and not re.search(r"\b(not|practice)\b", sentence)
    )


def test_coalition_of_the_willing_is_not_presented_as_charter_text(course):
    """The 'coalition of the willing' is Security Council practice, not a Charter provision."""
    found = offending_sentences(course, coalition_in_charter)
    assert not found, "coalition of the willing as Charter text:\n" + "\n".join(found)


def slogan_without_concept(sentence):
    return re.search(r"all for one|one for all", sentence) and not re.search(
        r"collective (security|defen[cs]e)", sentence
    )


def test_slogans_say_which_concept_they_belong_to(course):
    """The sources use 'all for one, one for all' for different concepts; always say which.

    In lessons and glossary text the concept must be named in the same sentence; in a quiz,
    anywhere in the same question (a matching pair puts the slogan and its concept apart).
    """
    found = [
        f"{piece.where}: {sentence}"
        for piece in prose(course, quizzes=False)
        for sentence in sentences(piece.text)
        if slogan_without_concept(sentence.lower())
    ]
    found += [
        piece.where
        for piece in question_prose(course)
        if slogan_without_concept(piece.text.lower())
    ]
    assert not found, "slogans without their concept:\n" + "\n".join(found)


def test_indivisible_and_collective_security_are_not_blended(course):
    """'The indivisibility of collective security' merges two concepts; only quote it."""
    found = offending_sentences(course, lambda s: "indivisibility of collective security" in s)
    assert not found, "blended concepts:\n" + "\n".join(found)


def test_glossary_page_stamp_is_not_taught(course):
    """The glossary's 'Updated April 23, 2026' is a page stamp, not a date in the history."""
    found = [piece.where for piece in prose(course) if "2026" in piece.text]
    assert not found, f"the 2026 page stamp appears in: {sorted(set(found))}"
