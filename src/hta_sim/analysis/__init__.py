"""Analyses built on simulations: scenario comparison, optimisation, sensitivity, calibration."""
