"""Coordination with first responders (action 5):
partners, plans reviewed and signed by responders, site information."""
