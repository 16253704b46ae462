"""Where drills plugs into the shared registries (filled in as they land)."""


def register_all():
    pass
