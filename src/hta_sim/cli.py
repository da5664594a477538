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
    _optimise_parser(sub)
    return p


def _share(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def _optimise_parser(sub) -> None:
    from .analysis.optimise import OBJECTIVES, STATISTICS

    opt = sub.add_parser("optimise", help="search the secretariat's tactical mix per phase for an "
                         "objective, and check the winner on fresh replicates")
    opt.add_argument("--objective", choices=OBJECTIVES, default="homes_2027")
    opt.add_argument("--weights", default=None,
                     help="for --objective weighted: homes_2027=W,engagement_2021=W (default equal)")
    opt.add_argument("--statistic", choices=STATISTICS, default="mean",
                     help="summary of the objective over replicates that the search maximises")
    opt.add_argument("--budget", type=_positive, default=None, help="candidate mixes evaluated, at most")
    opt.add_argument("--population", type=_positive, default=None, help="candidates per generation")
    opt.add_argument("--replicates", type=_positive, default=None, help="in-sample replicates per candidate")
    opt.add_argument("--holdout", type=_positive, default=None, help="fresh replicates for the check")
    opt.add_argument("--min-share", type=_share, default=0.0, help="floor on every effort's share")
    opt.add_argument("--quick", action="store_true", help="a small budget, for a first look or tests")
    opt.add_argument("--seed", type=_seed, default=0)
    opt.add_argument("--scenario", default="baseline", help="a preset name or a TOML path")
    opt.add_argument("--out", default=None, help="result folder (default results/optimise/<objective>)")


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
    if args.command == "optimise":
        return _optimise(args)
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


def _optimise(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .analysis.optimise import QUICK, Settings, optimise, parse_weights

    sized = {k: getattr(args, k) for k in ("budget", "population", "replicates", "holdout")
             if getattr(args, k) is not None}
    settings = Settings(objective=args.objective, statistic=args.statistic, seed=args.seed,
                        min_share=args.min_share,
                        weights=parse_weights(args.weights) if args.weights is not None else None,
                        **((QUICK if args.quick else {}) | sized))
    out = Path(args.out or f"results/optimise/{args.objective}")
    report = optimise(args.scenario, settings, out=out, progress=True)
    print(report.summary.round(4).to_string(index=False))
    print(f"\nwrote {out}/")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
