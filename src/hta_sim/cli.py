"""``hta-sim``: the command line. Bad input gets one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .errors import InputError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as for bad scenarios
        self.exit(2, f"hta-sim: error: {message}\n")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: must be >= 1")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: must be >= 0")
    return value


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="hta-sim", description="Simulate partner engagement in a collective-impact "
                "alliance (Hjem Til Alle).")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = sub.add_parser("run", help="run a scenario and write tables, figures and a manifest")
    run.add_argument("--scenario", default="baseline", help="a preset name or a TOML path")
    run.add_argument("--replicates", type=_positive, default=100)
    run.add_argument("--seed", type=_seed, default=0)
    run.add_argument("--out", default=None, help="result folder (default results/run/<scenario>)")
    run.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    run.add_argument("--engine", choices=("vectorized", "mesa"), default="vectorized")
    sub.add_parser("scenarios", help="list the preset scenarios")
    _sweep_parsers(sub)
    return p


def _sweep_parsers(sub) -> None:
    """``sweep`` and ``sensitivity`` (docs/sweeps.md)."""
    sweep = sub.add_parser("sweep", help="run a parameter sweep from a spec TOML into a Parquet dataset")
    sweep.add_argument("spec", help="the sweep spec (TOML)")
    sweep.add_argument("--workers", type=_positive, default=None,
                       help="local worker processes (default: all cores; 1 runs in this process)")
    where = sweep.add_mutually_exclusive_group()
    where.add_argument("--scheduler", default=None, help="a Dask scheduler, tcp://HOST:PORT")
    where.add_argument("--dask-local", type=_positive, default=None, metavar="N",
                       help="a local Dask cluster of N workers on 127.0.0.1")
    sweep.add_argument("--resume", action="store_true", help="run only the chunks not yet written")
    sweep.add_argument("--out", default=None, help="output folder (default: the spec's out)")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")
    sens = sub.add_parser("sensitivity", help="Sobol or Morris indices of a finished sweep (SALib)")
    sens.add_argument("sweep", help="a finished sweep folder")
    sens.add_argument("--method", choices=("sobol", "morris"), default=None,
                      help="default: the sweep's design")
    sens.add_argument("--outcome", action="append", default=None,
                      help="an outcome column (repeatable; default: the headline outcomes)")
    sens.add_argument("--out", default=None, help="result folder (default: SWEEP/sensitivity-METHOD)")
    sens.add_argument("--resamples", type=_positive, default=200, help="bootstrap resamples")
    sens.add_argument("--seed", type=_seed, default=0, help="bootstrap seed")


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return _dispatch(args)
    except InputError as exc:
        print(f"hta-sim: error: {exc}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "run":
        return _run(args)
    if args.command == "scenarios":
        from .scenario import load, preset_names

        for name in preset_names():
            print(f"{name:24s} {load(name).description.splitlines()[0] if load(name).description else ''}")
        return 0
    if args.command == "sweep":
        return _sweep(args)
    if args.command == "sensitivity":
        return _sensitivity(args)
    raise AssertionError(args.command)


def _sweep(args: argparse.Namespace) -> int:
    from .sweep import load_spec, run_sweep

    spec = load_spec(args.spec)
    out = run_sweep(spec, workers=args.workers, scheduler=args.scheduler, dask_local=args.dask_local,
                    resume=args.resume, progress=not args.quiet, out=args.out)
    print(f"wrote {out}/")
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    import pandas as pd

    from .analysis.sensitivity import run

    out = run(args.sweep, args.method, args.outcome, args.out, args.resamples, args.seed)
    table = pd.read_csv(out / "sensitivity.csv")
    print(table.pivot_table(index=["outcome", "parameter"], columns="index", values="value",
                            sort=False).round(3).to_string())
    print(f"\nwrote {out}/")
    return 0


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .api import simulate
    from .engine import check
    from .results import check_out
    from .scenario import load

    scenario = load(args.scenario)  # validate before any work or output
    check(scenario)
    out = Path(args.out or f"results/run/{scenario.name}")
    check_out(out)
    res = simulate(scenario, replicates=args.replicates, seed=args.seed, engine=args.engine,
                   progress=True)
    res.save(out, format=args.format)
    print(res.summary().round(3).to_string())
    print(f"\nwrote {out}/")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
