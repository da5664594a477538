"""Calibration on the evidence to 2018 (issue 13): ABC-SMC, checks, hold-out, report, updating.

>>> from hta_sim.calibration import Settings, calibrate, write
>>> cal = calibrate(Settings.quick_test())
>>> write(cal, "out/calibration")
"""

from .report import write
from .run import Calibration, Settings, calibrate

__all__ = ["Calibration", "Settings", "calibrate", "write"]
