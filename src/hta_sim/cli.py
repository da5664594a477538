"""``hta-sim``: the command line. Bad input gets one line on stderr and exit status 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from .errors import InputError

MAX_PORT = 65535
MAX_SEED = 2**63 - 1  # seeds are stored as int64 and fed to SeedSequence (budget.MAX_SEED)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as for bad scenarios
        self.exit(2, f"hta-sim: error: {message}\n")


if TYPE_CHECKING:
    Subparsers = argparse._SubParsersAction[_Parser]


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
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{text!r}: must be a whole number from 0 to 2**63 - 1")
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
    run.add_argument("--force", action="store_true",
                     help="replace an earlier result of this command in --out")
    _max_memory(run)
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
    cmp.add_argument("--force", action="store_true",
                     help="replace an earlier result of this command in --out")
    _max_memory(cmp)
    _forecast_parser(sub)
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
    cal = sub.add_parser("calibrate", help="fit the free parameters to the evidence to 2018 (ABC-SMC) "
                         "and write the weighted posterior, checks, figures and a report; with "
                         "--observations, update the shipped posterior with later evidence")
    cal.add_argument("--budget", type=_budget, default=None,
                     help="particles the fit may evaluate, all generations (default 250000, 2 runs each)")
    cal.add_argument("--quick", action="store_true",
                     help="a tiny run (under a minute) that says whether it meets the acceptance")
    cal.add_argument("--out", default=None,
                     help="result folder (default results/run/calibration; with --quick "
                     "results/quick/calibration; with --observations results/run/update)")
    cal.add_argument("--force", action="store_true",
                     help="replace an earlier result of this command in --out")
    cal.add_argument("--observations", default=None,
                     help="CSV of later evidence (pulse scores, or dated counts): reweight the "
                     "shipped posterior by it instead of fitting afresh")
    cal.add_argument("--posterior", default=None,
                     help="with --observations: the posterior to update (default the shipped one)")
    cal.add_argument("--seed", type=_seed, default=2018)
    cal.add_argument("--population", type=_positive, default=None,
                     help="particles a generation but the last (default 500; the last has 1000)")
    cal.add_argument("--workers", type=_positive, default=None, help="processes (default 2)")
    cal.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="run the batches on a Dask cluster (tcp://HOST:PORT) instead")
    _max_memory(cal)
    return p


def _memory(text: str) -> int:
    from .budget import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _max_memory(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-memory", type=_memory, default=None, metavar="SIZE",
                   help="refuse work estimated to need more memory than this (e.g. 16GiB; default "
                   "8 GiB or 80%% of this machine's memory, whichever is less)")


def _share(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def _forecast_parser(sub: Subparsers) -> None:
    fc = sub.add_parser("forecast", help="forecast a scenario under the posterior: every quantity's "
                        "median with its 50 %% and 90 %% bands by date, on both inflow paths")
    fc.add_argument("--scenario", default="baseline", help="a preset name or a TOML path")
    fc.add_argument("--draws", type=_positive, default=400,
                    help="parameter sets drawn from the posterior by weight, one run each per inflow path")
    fc.add_argument("--seed", type=_seed, default=0)
    fc.add_argument("--out", default=None, help="result folder (default results/forecast/<scenario>)")
    fc.add_argument("--posterior", default=None, help="CSV of parameter draws, optionally with a "
                    "weight column (default: the calibration's)")
    fc.add_argument("--force", action="store_true",
                    help="replace an earlier result of this command in --out")
    _max_memory(fc)


def _optimise_parser(sub: Subparsers) -> None:
    from .analysis.choices import OBJECTIVES, STATISTICS

    opt = sub.add_parser("optimise", help="search the secretariat's tactical mix per phase for an "
                         "objective, and check the winner on fresh replicates")
    opt.add_argument("--objective", choices=OBJECTIVES, default="fewer_homeless_2027")
    opt.add_argument("--weights", default=None,
                     help="for --objective weighted: fewer_homeless_2027=W,engagement_2021=W (default equal)")
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
    opt.add_argument("--posterior", default=None,
                     help="CSV of parameter draws (default: the calibration's, when shipped)")
    opt.add_argument("--fixed-parameters", action="store_true",
                     help="keep the scenario's parameter values; chance is the only uncertainty")
    opt.add_argument("--out", default=None, help="result folder (default results/optimise/<objective>; "
                     "with --quick results/quick/optimise/<objective>)")
    _max_memory(opt)
    opt.add_argument("--force", action="store_true",
                     help="replace an earlier result of this command in --out")


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
    _max_memory(sweep)
    sens = sub.add_parser("sensitivity", help="Sobol or Morris indices of a finished sweep (SALib)")
    sens.add_argument("sweep", help="a finished sweep folder")
    sens.add_argument("--method", choices=("sobol", "morris"), default=None,
                      help="default: the sweep's design")
    sens.add_argument("--outcome", action="append", default=None,
                      help="an outcome column (repeatable; default: the headline outcomes)")
    sens.add_argument("--out", default=None, help="result folder (default: SWEEP/sensitivity-METHOD)")
    sens.add_argument("--resamples", type=_positive, default=200, help="bootstrap resamples")
    sens.add_argument("--seed", type=_seed, default=None, help="bootstrap seed (default: the sweep's)")
    sens.add_argument("--force", action="store_true",
                     help="replace an earlier result of this command in --out")


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
        "sensitivity": _sensitivity, "forecast": _forecast,
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
    from .outfolder import check_out
    from .scenario import load

    if len(args.scenarios) < 2:  # noqa: PLR2004 (a comparison needs a reference and another)
        raise InputError(f"field 'scenarios' = {args.scenarios}: give at least two scenarios")
    names = [load(s).name for s in args.scenarios]
    out = Path(args.out or f"results/compare/{'-vs-'.join(names[:4])}")
    check_out(out, "compare", args.force)
    from . import budget

    budget.check(sum(budget.run_bytes(load(s), args.replicates) for s in args.scenarios),
                 args.max_memory, f"{args.replicates} replicates of {len(names)} scenarios")
    posterior = None if args.fixed_parameters else load_posterior(args.posterior)
    cmp = compare.run(args.scenarios, args.replicates, args.seed, posterior, progress=True)
    compare.save(cmp, out, args.force)
    table = cmp.table()
    show = table[table["outcome"].isin(["engagement_2021", "dip_depth", "homes_2027"])]
    print(show.drop(columns="label").round(3).to_string(index=False))
    print(f"\nparameter uncertainty: {cmp.posterior}\nwrote {out}/")
    return 0


def _forecast(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .analysis.posterior import load_posterior
    from .outfolder import check_out
    from .params import check
    from .scenario import load

    scenario = load(args.scenario)  # every input validated before any work or output
    check(scenario)
    posterior = load_posterior(args.posterior)
    if posterior is None:
        raise InputError("field '--posterior': none given and the package ships none; give a CSV of "
                         "parameter draws")
    out = Path(args.out or f"results/forecast/{scenario.name}")
    check_out(out, "forecast", args.force)
    from . import budget
    from .analysis import forecast

    budget.check(budget.run_bytes(scenario, 2 * args.draws), args.max_memory,
                 f"{args.draws} draws of {scenario.name!r} on two inflow paths")
    fc = forecast.run(scenario, args.draws, args.seed, posterior, progress=True)
    forecast.save(fc, out, args.force)
    counts = fc.table[fc.table["quantity"].str.startswith(forecast.COUNT)]
    print(counts.groupby("quantity").tail(1).round(1).to_string(index=False))
    print(f"\nposterior: {posterior.source} (effective sample size {posterior.effective_size():,.1f})"
          f"\nwrote {out}/")
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
                    resume=args.resume, progress=not args.quiet, out=args.out,
                    max_memory=args.max_memory)
    print(f"wrote {out}/")
    return 0


def _sensitivity(args: argparse.Namespace) -> int:
    import warnings

    import pandas as pd

    from .analysis.sensitivity import run

    with warnings.catch_warnings(record=True) as caught:  # stray files in the sweep: one line each
        warnings.simplefilter("always")
        out = run(args.sweep, args.method, args.outcome, args.out, args.resamples, args.seed,
                  args.force)
    for w in caught:
        print(f"hta-sim: note: {w.message}", file=sys.stderr)
    table = pd.read_csv(out / "sensitivity.csv")
    print(table.pivot_table(index=["outcome", "parameter"], columns="index", values="value",
                            sort=False).round(3).to_string())
    print(f"\nwrote {out}/")
    return 0


def _run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .outfolder import check_out
    from .params import check
    from .scenario import load

    scenario = load(args.scenario)  # validate before any work or output (and before heavy imports)
    check(scenario)
    out = Path(args.out or f"results/run/{scenario.name}")
    check_out(out, "run", args.force)
    from . import budget
    from .api import simulate

    budget.check(budget.run_bytes(scenario, args.replicates), args.max_memory,
                 f"{args.replicates} replicates of {scenario.name!r}")

    res = simulate(scenario, replicates=args.replicates, seed=args.seed, engine=args.engine,
                   progress=True)
    res.save(out, format=args.format, force=args.force)
    print(res.summary().round(3).to_string())
    print(f"\nwrote {out}/")
    return 0


def _optimise(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .analysis.optimise import QUICK, Settings, optimise, parse_weights
    from .analysis.posterior import load_posterior
    from .analysis.replicate_draws import FIXED

    sized = {k: getattr(args, k) for k in ("budget", "population", "replicates", "holdout")
             if getattr(args, k) is not None}
    settings = Settings(objective=args.objective, statistic=args.statistic, seed=args.seed,
                        min_share=args.min_share,
                        weights=parse_weights(args.weights) if args.weights is not None else None,
                        **((QUICK if args.quick else {}) | sized))
    out = Path(args.out or f"results/{'quick/' if args.quick else ''}optimise/{args.objective}")
    posterior = None if args.fixed_parameters else load_posterior(args.posterior)
    report = optimise(args.scenario, settings, out=out, progress=True, force=args.force,
                      max_memory=args.max_memory, posterior=posterior)
    from .analysis.readable import table

    print(table(report.summary, signed=("diff", "diff_lo95", "diff_hi95")))
    print(f"\nparameter uncertainty: {posterior.source if posterior else FIXED}\nwrote {out}/")
    return 0


def _calibration_memory(settings: Any, limit: int | None) -> None:
    """Refuse a calibration whose largest batch would not fit (a batch of runs at once)."""
    from . import budget
    from .calibration.sampler import MAX_BATCH
    from .calibration.summaries import fit_scenario
    from .scenario import load

    batch = max(settings.draws, MAX_BATCH // max(1, settings.workers))
    budget.check(budget.run_bytes(fit_scenario(load("baseline")), batch), limit,
                 f"calibration batches of {batch} runs")


def _calibrate(args: argparse.Namespace) -> int:
    if args.observations is not None:
        return _update(args)
    import dataclasses
    from pathlib import Path

    from .calibration import Settings, calibrate, write
    from .calibration.checks import acceptance, predictive_table
    from .outfolder import check_out

    if args.posterior is not None:
        raise InputError(f"field '--posterior' = {args.posterior!r}: only with --observations")
    out = Path(args.out or ("results/quick/calibration" if args.quick else "results/run/calibration"))
    check_out(out, "calibrate", args.force)
    settings = Settings.quick_test() if args.quick else Settings()
    budget = dataclasses.replace(settings.budget, **{k: v for k, v in (
        ("simulations", args.budget), ("population", args.population)) if v is not None})
    changes = {k: v for k, v in (("workers", args.workers), ("seed", args.seed),
                                 ("scheduler", args.scheduler)) if v is not None}
    settings = dataclasses.replace(settings, budget=budget, **changes)
    _calibration_memory(settings, args.max_memory)
    cal = calibrate(settings, progress=True)
    write(cal, out, args.force)
    print(acceptance(predictive_table(cal.predictive, cal.evidence)).sentence())
    print(f"wrote {out}/ (report.md, particles.csv)")
    return 0


def _update(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .calibration.counts import read_observations
    from .calibration.update import load_particles
    from .calibration.update_run import particles_path, run_update
    from .outfolder import check_out
    from .scenario import load

    base = load("baseline")  # every input validated before the output folder or any work
    obs = read_observations(args.observations, base.time.start, base.time.association, base.time.end)
    particles = load_particles(particles_path(args.posterior))
    out = Path(args.out or "results/run/update")
    check_out(out, "calibrate", args.force)
    return run_update(obs, particles, (args.observations, args.posterior), args.seed, out, args.force)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
