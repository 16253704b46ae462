"""The public tip line's URL namespace (``tips:``, served by reporting/urls_public.py); its tests live in
tests/reporting/ and tests/browser/test_tip_line_accessible.py."""
