"""Research-scale sweeps: a spec names parameters, a design, replicates and outcomes; the runs go out
in chunks to local processes or a Dask cluster, and each finished chunk lands in a Parquet dataset.

>>> from hta_sim.sweep import load_spec, run_sweep
>>> run_sweep(load_spec("experiments/sweeps/example.toml"), workers=2)

See docs/sweeps.md for the spec format, the output schema and the executors.
"""

from .runner import run_sweep
from .spec import SweepSpec, load_spec

__all__ = ["SweepSpec", "load_spec", "run_sweep"]
