"""The scope table of the ``tips:`` namespace: the public tip line (reporting/urls_public.py). Nothing here
needs a sign-in; the pages are tested in tests/reporting/ (test_public_tip.py, test_follow_up.py,
test_anonymity.py) and in Chromium (tests/browser/test_tip_line_accessible.py)."""

URLS = {}

PUBLIC = {
    "tips:index": "the anonymous tip line: anyone, without an account",
    "tips:form": "the anonymous tip form: anyone, without an account",
    "tips:follow-up": "a tipster comes back with the tip code and passphrase, without an account",
    "tips:summary": "the public yearly summary of the tip line (counts under 10 suppressed)",
}
