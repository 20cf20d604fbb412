"""Upgrades: every migration applies to a database filled by an earlier release.

For each release in tests/ops/releases.py, a new empty database is migrated to that
release's migrations, filled with its fixture (tests/ops/fixtures/release-<v>.json), and
migrated to today's schema by `migrate` in a process of its own, as on a live server.
Then every object of the fixture must still be there with the values it had, and today's
code must be able to grade, finish and start attempts on it and show its pages.
"""

import json

import pytest

from tests.ops.releases import FIXTURES, RELEASES
from tests.ops.scratch import run_django, scratch_database

UPGRADE = (
    "from tests.ops.releases import after_upgrade, upgrade_from\n"
    "result = upgrade_from({release!r})\n"
    "result['after'] = after_upgrade()"
)


def test_every_release_has_a_fixture():
    assert RELEASES
    for release in RELEASES:
        assert (FIXTURES / f"release-{release}.json").is_file(), release


@pytest.mark.django_db  # to learn which kind of database the suite runs on
@pytest.mark.parametrize("release", sorted(RELEASES))
def test_upgrade_from_release_keeps_its_data(release):
    fixture = json.loads((FIXTURES / f"release-{release}.json").read_text())
    with scratch_database() as url:
        upgraded = run_django(url, UPGRADE.format(release=release))
    after = upgraded["after"]
    assert upgraded["unapplied"] == []
    lost = [
        (obj["model"], obj["pk"], found)
        for obj, found in zip(fixture, upgraded["objects"], strict=True)
        if found != obj["fields"]
    ]
    assert lost == [], "rows missing (None) or changed by the upgrade"
    assert after["regrades_agree"] and all(after["regrades_agree"])
    assert after["finished"][1] == "submitted" and after["started"] == [3, "in_progress"]
    assert set(after["pages"].values()) == {200}, after["pages"]
