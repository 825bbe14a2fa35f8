"""Trained model artefacts, one folder per model, each with a MODEL_CARD.md."""
