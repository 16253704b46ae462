"""Pytest plugin loaded with ``-p`` before Django reads its settings.

Production is the default ``PORTAL_ENV``; the test suite runs as ``test`` unless told otherwise.
"""

import os

os.environ.setdefault("PORTAL_ENV", "test")
