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
    cal = sub.add_parser("calibrate", help="fit the free parameters to the 2018 evaluation (and any "
                         "later pulse) and write the fitted scenario, tables, figures and a report")
    cal.add_argument("--budget", type=_budget, default=None,
                     help="candidate parameter sets to evaluate, all stages (default 12000)")
    cal.add_argument("--quick", action="store_true", help="a tiny run for tests (seconds)")
    cal.add_argument("--out", default="results/run/calibration", help="result folder")
    cal.add_argument("--observations", default=None,
                     help="CSV of observed pulse scores (the pulse table's format) to fit as well")
    cal.add_argument("--seed", type=_seed, default=2018)
    cal.add_argument("--replicates", type=_positive, default=None, help="replicates a candidate")
    cal.add_argument("--workers", type=_positive, default=None, help="processes (default 2)")
    return p


def _budget(text: str) -> int:
    from .calibration.run import MIN_BUDGET

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < MIN_BUDGET:
        raise argparse.ArgumentTypeError(f"{text!r}: must be >= {MIN_BUDGET}")
    return value


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
    if args.command == "calibrate":
        return _calibrate(args)
    if args.command == "scenarios":
        from .scenario import load, preset_names

        for name in preset_names():
            print(f"{name:24s} {load(name).description.splitlines()[0] if load(name).description else ''}")
        return 0
    raise AssertionError(args.command)


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


def _calibrate(args: argparse.Namespace) -> int:
    import dataclasses
    from pathlib import Path

    from .results import check_out
    from .scenario import load

    try:
        import emcee  # noqa: F401
    except ImportError:
        raise InputError("'hta-sim calibrate' needs the calibrate extra: pip install "
                         "'hta-sim[calibrate]'") from None
    from .calibration import Settings, calibrate, write
    from .calibration.run import targets_for

    out = Path(args.out)
    check_out(out)
    if args.observations is not None:
        targets_for(args.observations, load("baseline"))  # validate before any work
    settings = Settings.quick_test() if args.quick else Settings()
    changes = {k: v for k, v in (("budget", args.budget), ("replicates", args.replicates),
                                 ("workers", args.workers), ("seed", args.seed)) if v is not None}
    settings = dataclasses.replace(settings, **changes)
    cal = calibrate(settings, observations=args.observations, progress=True)
    write(cal, out)
    from .calibration.report import seed_fit, target_table

    fit = seed_fit(target_table(cal))
    print(f"seed scores: mean abs. error {fit['mae']:.3f}, largest {fit['max']:.3f}")
    print(f"wrote {out}/ (report.md, fitted.toml)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
