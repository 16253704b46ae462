"""Behavioral threat assessment and management (action 6):
confidential cases from referral to closure."""
