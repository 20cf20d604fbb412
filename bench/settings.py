"""The production settings with the benchmark's floor pages added (bench/floor.py).

Only the gunicorn server of `make bench` runs with it; the site's own URLs are unchanged.
"""

from indivisible.settings import *  # noqa: F403 - the production settings, one change

ROOT_URLCONF = "bench.urls"
