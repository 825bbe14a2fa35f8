"""Rhetoric and framing: persuasion techniques, metaphor frames, intensity."""
