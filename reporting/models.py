"""Anonymous reporting (action 4):
the public tip line, tip codes and two-way chat, triage and escalation."""
