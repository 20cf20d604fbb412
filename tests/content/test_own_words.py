"""Our own words: nothing long is copied from the sources, and quotations stay short."""

from .helpers import (
    MAX_QUOTATION_WORDS,
    QUOTATION,
    RUN_LENGTH,
    citation_quotes,
    ngrams,
    prose,
    without_quotations,
    words,
)


def test_no_long_run_of_words_is_copied_from_a_source(course, source_runs):
    """Outside quotation marks, no run of 12 words may match a source: paraphrase, don't copy."""
    copied = set()
    for piece in prose(course):
        for run in ngrams(words(without_quotations(piece.text)), RUN_LENGTH):
            if run in source_runs:
                copied.add(f"{piece.where}: '{' '.join(run)}' (from {source_runs[run]})")
    assert not copied, "copied from a source:\n" + "\n".join(sorted(copied))


def test_quotations_in_text_are_at_most_40_words(course):
    """Quotations are exempt from the own-words rule only because they are short."""
    too_long = {
        f"{piece.where}: {len(words(quotation))} words: {quotation[:70]}..."
        for piece in prose(course)
        for quotation in QUOTATION.findall(piece.text)
        if len(words(quotation)) > MAX_QUOTATION_WORDS
    }
    assert not too_long, "quotations over 40 words (or unbalanced quotes):\n" + "\n".join(
        sorted(too_long)
    )


def test_citation_quotes_are_at_most_40_words(course):
    """A citation's `quote` field is a quotation too, so the same 40-word limit applies."""
    too_long = [
        f"{quote.where}: {len(words(quote.text))} words"
        for quote in citation_quotes(course)
        if len(words(quote.text)) > MAX_QUOTATION_WORDS
    ]
    assert not too_long, "citation quotes over 40 words:\n" + "\n".join(too_long)
