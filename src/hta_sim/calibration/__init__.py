"""Calibration to the 2018 evaluation (issue #3): fit, uncertainty, validation and report.

>>> from hta_sim.calibration import Settings, calibrate, write
>>> cal = calibrate(Settings.quick_test())
>>> write(cal, "out/calibration")
"""

from .report import write
from .run import Calibration, Settings, calibrate

__all__ = ["Calibration", "Settings", "calibrate", "write"]
