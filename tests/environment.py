"""Loaded by pytest (-p) before Django settings, so a bare `pytest` runs in development mode."""

import os

os.environ.setdefault("DEBUG", "true")
