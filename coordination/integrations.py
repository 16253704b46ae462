"""Everything coordination adds to the shared registries, in one place (see drills/integrations.py)."""

from portal.registry import Integration

INTEGRATION = Integration(app_label="coordination")
