"""Analyses built on the engine: each module answers one question a strategist or researcher asks
of the model (compare, optimise, ...).
"""
