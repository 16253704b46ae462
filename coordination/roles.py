"""Who does what in coordination (the matrix rows of integrations.py read these sets)."""

from portal.permissions import (
    COUNSELOR,
    DISTRICT_ADMIN,
    DISTRICT_LEADER,
    RESPONDER,
    SCHOOL_ADMIN,
    SCHOOL_STAFF,
    SRO,
    THREAT_TEAM,
)

# The district's own people who read coordination records (tip triage has nothing here, as in drills).
VIEWERS = frozenset({DISTRICT_ADMIN, DISTRICT_LEADER, SCHOOL_ADMIN, SCHOOL_STAFF, COUNSELOR, THREAT_TEAM, SRO})
# ... and partner responders, read-only, for plans (approved ones, or those they review) and site information.
READERS = VIEWERS | {RESPONDER}
MANAGERS = frozenset({DISTRICT_ADMIN, SCHOOL_ADMIN})
REVIEWERS = frozenset({SRO, RESPONDER})
VERIFIERS = MANAGERS | {SRO}
