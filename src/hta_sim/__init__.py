"""hta_sim: how a collective-impact alliance gains, loses and regains its partners' engagement.

>>> import hta_sim
>>> res = hta_sim.simulate("baseline", replicates=100, seed=7)
>>> res.trajectories, res.pulse
>>> res.save("out/")
"""

from .api import simulate
from .errors import InputError
from .model import AllianceModel
from .results import Results
from .scenario import Scenario, load, preset_names

__all__ = ["AllianceModel", "InputError", "Results", "Scenario", "load", "preset_names", "simulate"]
__version__ = "0.1.0"
