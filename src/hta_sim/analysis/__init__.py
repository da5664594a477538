"""Analyses built on the engine: each module answers one question a strategist asks of the model."""
