"""Stance and verdict weights (see MODEL_CARD.md)."""
