import pytest

from .helpers import RUN_LENGTH, SOURCES_DIR, course_dirs, load_course, ngrams, words


@pytest.fixture(scope="session", params=course_dirs(), ids=lambda path: path.name)
def course(request):
    """Each course in seeds/, read from its files."""
    return load_course(request.param)


@pytest.fixture(scope="session")
def source_runs():
    """Every run of RUN_LENGTH words in the source texts, mapped to the file it comes from."""
    files = sorted(SOURCES_DIR.glob("*.txt")) if SOURCES_DIR.is_dir() else []
    if not files:
        reason = f"source texts not found in {SOURCES_DIR}; the own-words check needs them"
        print(reason)
        pytest.skip(reason)
    runs = {}
    for path in files:
        for run in ngrams(words(path.read_text(encoding="utf-8")), RUN_LENGTH):
            runs.setdefault(run, path.name)
    return runs
