"""The typed parameters: one leaf per schema field, drift refused, choices coded from the schema."""

import dataclasses

import numpy as np
import pytest
from pydantic import create_model

import hta_sim
from hta_sim import parameters, scenario
from hta_sim.params import NEVER, compile_params, roster_of
from hta_sim.scenario import Scenario


def test_every_schema_field_has_a_typed_leaf_and_back():
    ours = [n for n in parameters.leaf_names() if n not in parameters.DERIVED]
    assert ours == parameters.schema_leaf_names()
    # 102 of the alliance, 12 of the world, 64 of solutions, flats, municipalities; 35 of engagement
    # that can fail (7 switches, 28 leaves of its sections and the host policy)
    assert len(ours) == 213


def test_compiled_values_land_in_their_fields():
    sc = Scenario().with_changes({"engagement.base": 0.37, "secretariat.policy": "adaptive",
                                  "time.association": "2016-07", "secretariat.funding_ends": None})
    _, p = compile_params([sc, Scenario()], roster_of(sc))
    assert isinstance(p, parameters.Params)
    assert p.engagement.base.tolist() == [[0.37], [0.5]]
    assert p.secretariat.policy.tolist() == [[2.0], [0.0]]  # fixed, phased, adaptive
    assert p.time.association.tolist() == [[6.0], [19.0]]  # steps from 2016-01
    assert p.secretariat.funding_ends[0, 0] == NEVER
    assert p.secretariat.mix.shape == (2, 6)
    # the founders' grants, the initiative grant cut at the more_funders lever's start (both pieces at
    # full amount, the lever being off) and the lever's six zero-amount pieces: one structure for all
    assert p.funding.amount.tolist() == [[3.5 / 12, 2.0 / 12, 2.0 / 12] + [0.0] * 6] * 2


def test_params_are_frozen():
    _, p = compile_params([Scenario()], roster_of(Scenario()))
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.engagement.base = np.zeros((1, 1))  # type: ignore[misc]


def test_a_leaf_without_a_field_is_refused():
    flat = {name: np.zeros((1, 1)) for name in parameters.leaf_names()}
    parameters.build(flat)
    with pytest.raises(KeyError, match="no field"):
        parameters.build({**flat, "engagement.new_knob": np.zeros((1, 1))})
    del flat["stake.weight"]
    with pytest.raises(KeyError, match=r"stake\.weight"):
        parameters.build(flat)


def test_a_schema_field_added_without_a_typed_leaf_is_caught(monkeypatch):
    grown = create_model("Engagement", __base__=scenario.Engagement, new_knob=(float, 0.1))
    fields = dict(Scenario.model_fields)
    fields["engagement"] = fields["engagement"].__class__.from_annotated_attribute(grown, grown())
    monkeypatch.setattr(Scenario, "model_fields", fields)
    with pytest.raises(TypeError, match=r"missing here \['engagement.new_knob'\]"):
        parameters.check_matches_schema()


def test_choice_codes_come_from_the_schema_literal():
    assert [parameters.choice_code(scenario.Secretariat, "policy", w)
            for w in ("fixed", "phased", "adaptive")] == [0, 1, 2]
    assert parameters.choice_code(scenario.DevelopmentPool, "selection", "lottery") == 1
    with pytest.raises(ValueError):
        parameters.choice_code(scenario.Secretariat, "policy", "whimsical")
    with pytest.raises(TypeError):
        parameters.choice_code(scenario.Secretariat, "staff", "3")


def test_the_schema_defaults_are_not_the_baseline():
    assert Scenario().name == "defaults"
    assert hta_sim.load("baseline").name == "baseline"
    assert scenario.diff(Scenario(), hta_sim.load("baseline"))


def test_a_grant_that_ends_before_the_other_funders_start_leaves_their_pieces_empty():
    grant = {"partner": "bikubenfonden", "purpose": "initiatives", "mdkk_per_year": 1.2,
             "start": "2016-01", "end": "2016-06"}
    for enabled in (False, True):
        sc = Scenario().with_changes({"funding.grants": [grant], "more_funders.enabled": enabled})
        _, p = compile_params([sc], roster_of(sc))
        # the grant's own piece runs Jan-May 2016; the founder's later piece and the other funders'
        # shares start at the lever (2019-01, step 36) and end no later: they never run
        assert p.funding.start[0, :5].tolist() == [0.0, 36.0, 36.0, 36.0, 36.0]
        assert p.funding.end[0, :5].tolist() == [5.0, 5.0, 36.0, 36.0, 36.0]
