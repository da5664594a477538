"""hta_sim.ema.run: keyword arguments in, a dict of outcomes out (EMA Workbench's model function)."""

import numpy as np
import pytest

import hta_sim
from hta_sim.ema import run
from hta_sim.errors import InputError
from hta_sim.outcomes import at_date, replicate_dips


def test_one_replicate_is_the_run_simulate_gives():
    out = run(results_lag__weight=0.1, **{"secretariat.policy": "phased"}, seed=4, replicate=2)
    sc = hta_sim.load("baseline").with_changes({"results_lag.weight": 0.1, "secretariat.policy": "phased"})
    traj = hta_sim.simulate(sc, replicates=3, seed=4).trajectories
    assert out["dip_depth"] == replicate_dips(traj).set_index("replicate").loc[2, "depth"]
    assert out["homes_2027_12"] == at_date(traj, "homes_created", "2027-12").loc[2]
    assert {"engagement_2018_12", "initiative_taking_share_2027_12", "pulse_board_shared_view_2018_10",
            "dip_trough_step"} <= set(out)
    assert all(isinstance(v, float) for v in out.values())


def test_replicates_give_the_mean_and_numpy_values_are_accepted():
    many = run(engagement__response=np.float64(0.2), replicates=3, seed=1)
    each = [run(engagement__response=0.2, replicate=r, seed=1)["homes_2027_12"] for r in range(3)]
    assert many["homes_2027_12"] == pytest.approx(np.mean(each), rel=1e-12)


@pytest.mark.parametrize("kwargs, field", [
    ({"results_lag__wait": 0.1}, "results_lag.wait"),
    ({"results_lag__weight": 3.0}, "results_lag.weight"),
])
def test_bad_parameters_are_refused_in_one_line(kwargs, field):
    with pytest.raises(InputError, match=field.replace(".", r"\.")):
        run(replicate=0, **kwargs)


def test_under_ema_workbench_replicator_model():
    ema = pytest.importorskip("ema_workbench")
    model = ema.ReplicatorModel("hta", function=run)
    model.replications = [{"replicate": r} for r in range(2)]
    model.uncertainties = [ema.RealParameter("results_lag__weight", 0.0, 0.5)]
    model.constants = [ema.Constant("dip", False)]
    model.outcomes = [ema.ScalarOutcome("homes_2027_12", function=np.mean)]
    with ema.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=2)
    assert outcomes["homes_2027_12"].shape == (2,) and len(experiments) == 2
