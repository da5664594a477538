"""``hta-sim``: the command line. Bad input gets one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from .errors import InputError

MAX_PORT = 65535


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as for bad scenarios
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


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a port from 1 to 65535")
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
    sub.add_parser("scenarios", help="list the preset scenarios, one line each")
    cmp = sub.add_parser("compare", help="compare scenarios on common random numbers")
    cmp.add_argument("scenarios", nargs="+", help="preset names or TOML paths; the first is the reference")
    cmp.add_argument("--replicates", type=_positive, default=200)
    cmp.add_argument("--seed", type=_seed, default=0)
    cmp.add_argument("--out", default=None, help="result folder (default results/compare/<first>-vs-...)")
    cmp.add_argument("--posterior", default=None,
                     help="CSV of parameter draws (default: the calibration's, when shipped)")
    cmp.add_argument("--fixed-parameters", action="store_true",
                     help="keep every scenario's parameter values; chance is the only uncertainty")
    scen = sub.add_parser("scenario", help="show or compare scenario definitions")
    scen_sub = scen.add_subparsers(dest="action", required=True, parser_class=_Parser)
    show = scen_sub.add_parser("show", help="print a scenario fully resolved, as TOML")
    show.add_argument("name", help="a preset name or a TOML path")
    dif = scen_sub.add_parser("diff", help="print the fields in which two scenarios differ")
    dif.add_argument("a")
    dif.add_argument("b")
    dash = sub.add_parser("dashboard", help="serve the teaching dashboard in the browser "
                          "(needs the 'dashboard' extra)")
    dash.add_argument("--port", type=_port, default=8765)
    dash.add_argument("--host", default="127.0.0.1",
                      help="interface to listen on (default 127.0.0.1; another host exposes the page)")
    _optimise_parser(sub)
    _sweep_parsers(sub)
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


def _share(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


type Subparsers = argparse._SubParsersAction[_Parser]


def _optimise_parser(sub: Subparsers) -> None:
    from .analysis.choices import OBJECTIVES, STATISTICS

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


def _sweep_parsers(sub: Subparsers) -> None:
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
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "run": _run, "optimise": _optimise, "calibrate": _calibrate, "scenarios": _scenarios,
        "scenario": _scenario, "compare": _compare, "dashboard": _dashboard, "sweep": _sweep,
        "sensitivity": _sensitivity,
    }
    return commands[args.command](args)


def _scenarios(args: argparse.Namespace) -> int:
    from .scenario import load, preset_names, summary_line

    for name in preset_names():
        print(f"{name:24s} {summary_line(load(name))}")
    return 0


def _compare(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .analysis import compare
    from .analysis.posterior import load_posterior
    from .results import check_out
    from .scenario import load

    if len(args.scenarios) < 2:  # noqa: PLR2004 (a comparison needs a reference and another)
        raise InputError(f"field 'scenarios' = {args.scenarios}: give at least two scenarios")
    names = [load(s).name for s in args.scenarios]
    out = Path(args.out or f"results/compare/{'-vs-'.join(names[:4])}")
    check_out(out)
    posterior = None if args.fixed_parameters else load_posterior(args.posterior)
    cmp = compare.run(args.scenarios, args.replicates, args.seed, posterior, progress=True)
    compare.save(cmp, out)
    table = cmp.table()
    show = table[table["outcome"].isin(["engagement_2021", "dip_depth", "homes_2027"])]
    print(show.drop(columns="label").round(3).to_string(index=False))
    print(f"\nparameter uncertainty: {cmp.posterior}\nwrote {out}/")
    return 0


def _scenario(args: argparse.Namespace) -> int:
    from .scenario import diff, load, to_toml

    if args.action == "show":
        print(to_toml(load(args.name)), end="")
        return 0
    a, b = load(args.a), load(args.b)
    rows = diff(a, b)
    width = max((len(k) for k, _, _ in rows), default=5)
    print(f"{'field':{width}s}  {a.name}  ->  {b.name}")
    for key, va, vb in rows:
        print(f"{key:{width}s}  {va!r}  ->  {vb!r}")
    return 0


def _dashboard(args: argparse.Namespace) -> int:
    from .dashboard import server

    # the libraries (an optional extra), the address, then the page's assets: each refused in one line
    problem = (server.library_problem() or server.host_problem(args.host, args.port)
               or server.prepare_assets())
    if problem:
        raise InputError(problem)
    return server.serve(args.host, args.port)


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

    from .params import check
    from .results import check_out
    from .scenario import load

    scenario = load(args.scenario)  # validate before any work or output (and before heavy imports)
    check(scenario)
    out = Path(args.out or f"results/run/{scenario.name}")
    check_out(out)
    from .api import simulate

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
    from .analysis.readable import table

    print(table(report.summary, signed=("diff", "diff_lo95", "diff_hi95")))
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
