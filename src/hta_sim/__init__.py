"""hta_sim: how a collective-impact alliance gains, loses and regains its partners' engagement.

>>> import hta_sim
>>> res = hta_sim.simulate("baseline", replicates=100, seed=7)
>>> res.trajectories, res.pulse
>>> res.save("out/")

Names are imported on first use, so that the command line answers bad input without loading Mesa.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "simulate": "api",
    "AllianceModel": "model",
    "Results": "results",
    "Scenario": "scenario",
    "load": "scenario",
    "preset_names": "scenario",
    "InputError": "errors",
}
__all__ = ["AllianceModel", "InputError", "Results", "Scenario", "load", "preset_names", "simulate"]

if TYPE_CHECKING:  # pragma: no cover
    from .api import simulate
    from .errors import InputError
    from .model import AllianceModel
    from .results import Results
    from .scenario import Scenario, load, preset_names


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module 'hta_sim' has no attribute {name!r}")
