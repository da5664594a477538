"""The scenario's numbers, typed: one frozen dataclass of arrays per scenario section.

Every rule reads its parameters from here, so its signature says what it reads. Each leaf holds one
value per replicate of the batch: a ``Column`` of shape (R, 1) (numbers, switches as 0/1, months as
step indices relative to the run's start, choices as the index of the word in the schema's
``Literal``), a ``Shares`` mix of shape (R, 6), or a ``PerGrant`` row of shape (R, G). Fields of the
schema that a batch shares (the calendar, pulse dates, the roster, grants' partners) live in
``params.Layout`` instead and are listed in ``STRUCTURE``.

The dataclasses mirror the pydantic schema in ``scenario.py``; ``check_matches_schema`` (run on
import) refuses any drift between the two, so a field added to the schema and not here, or here and
not in the schema, fails at once instead of vanishing.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from typing import Any, Literal, get_args, get_origin

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel

from . import scenario as schema

Column = npt.NDArray[np.float64]  # (R, 1): broadcasts over partners and initiative slots
Shares = npt.NDArray[np.float64]  # (R, 6): a tactical mix per replicate
PerGrant = npt.NDArray[np.float64]  # (R, G): one value per grant in force

#: Schema fields a batch shares, so they are structure (params.Layout, the roster), not numbers.
STRUCTURE = frozenset({
    "name", "description",  # labels
    "time.start", "time.end", "time.pulse_dates",  # the calendar: Layout.start, steps, pulse_steps
    "roster",  # the partners: roster.Roster
    "funding.grants",  # who pays and for what: Layout.grant_*; amounts and dates: funding.amount...
    "development_pool.funders", "more_funders.partners",  # who pays: Layout, params.all_grants
    "world.start",  # the world's first month: Layout.world_start
    "recruitment.pool", "recruitment.sectors",  # the candidate organisations: roster.Roster
})
#: Leaves computed from the structure rather than read from one field: each grant's amount and dates.
DERIVED = frozenset({"funding.amount", "funding.start", "funding.end"})


def choice_code(section: type[BaseModel], field: str, word: str) -> int:
    """The code of a named choice: the index of ``word`` in the schema's ``Literal`` for ``field``.

    Rules compare codes from here, never hand-written numbers, so reordering a ``Literal`` in the
    schema cannot silently change what a rule does.
    """
    annotation = section.model_fields[field].annotation
    if get_origin(annotation) is not Literal:
        raise TypeError(f"{section.__name__}.{field} is not a choice among words")
    return get_args(annotation).index(word)


@dataclasses.dataclass(frozen=True)
class TimeValues:
    """``[time]``."""

    association: Column  # month: step index (never: NEVER)


@dataclasses.dataclass(frozen=True)
class MechanismsValues:
    """``[mechanisms]``: one switch per named mechanism (docs/ODD.md, section 7)."""

    results_lag: Column  # switch: 1.0 on, 0.0 off
    trust_ladder: Column  # switch: 1.0 on, 0.0 off
    own_value: Column  # switch: 1.0 on, 0.0 off
    board_ab_split: Column  # switch: 1.0 on, 0.0 off
    crowding_out: Column  # switch: 1.0 on, 0.0 off
    secretariat_overload: Column  # switch: 1.0 on, 0.0 off
    regulatory_barriers: Column  # switch: 1.0 on, 0.0 off
    peer_influence: Column  # switch: 1.0 on, 0.0 off
    stake: Column  # switch: 1.0 on, 0.0 off
    returns_to_homelessness: Column  # switch: 1.0 on, 0.0 off
    housing_constraint: Column  # switch: 1.0 on, 0.0 off
    dormitory_capacity: Column  # switch: 1.0 on, 0.0 off
    host_home_capacity: Column  # switch: 1.0 on, 0.0 off
    housing_first_capacity: Column  # switch: 1.0 on, 0.0 off
    adoption_diffusion: Column  # switch: 1.0 on, 0.0 off
    adaptive_expectations: Column  # switch: 1.0 on, 0.0 off
    fatigue: Column  # switch: 1.0 on, 0.0 off
    turnover: Column  # switch: 1.0 on, 0.0 off
    partner_exit: Column  # switch: 1.0 on, 0.0 off
    recruitment: Column  # switch: 1.0 on, 0.0 off
    coordination: Column  # switch: 1.0 on, 0.0 off
    spiral: Column  # switch: 1.0 on, 0.0 off


@dataclasses.dataclass(frozen=True)
class EngagementValues:
    """``[engagement]``."""

    base: Column
    response: Column
    noise_sd: Column
    initial_spread: Column


@dataclasses.dataclass(frozen=True)
class EstablishmentValues:
    """``[establishment]``."""

    build_rate: Column


@dataclasses.dataclass(frozen=True)
class ResultsLagValues:
    """``[results_lag]``."""

    weight: Column
    build_credit: Column
    expectation: Column
    expectation_rate: Column
    patience_months: Column
    perception_rate: Column
    scale: Column


@dataclasses.dataclass(frozen=True)
class TrustLadderValues:
    """``[trust_ladder]``."""

    climb_base: Column
    climb_step: Column
    fall_margin: Column
    climb_probability: Column
    fall_probability: Column
    memory_months: Column
    success_level: Column
    start_rung_initiator: Column  # whole number
    start_rung_board_joiner: Column  # whole number
    start_rung_ab_joiner: Column  # whole number


@dataclasses.dataclass(frozen=True)
class OwnValueValues:
    """``[own_value]``."""

    weight: Column
    home_bonus: Column


@dataclasses.dataclass(frozen=True)
class BoardAbSplitValues:
    """``[board_ab_split]``."""

    steering_meetings_per_year: Column
    board_meetings_per_year: Column
    ab_meetings_per_year: Column
    ab_closeness: Column
    closeness_weight: Column


@dataclasses.dataclass(frozen=True)
class CrowdingOutValues:
    """``[crowding_out]``."""

    money_strength: Column
    engagement_strength: Column


@dataclasses.dataclass(frozen=True)
class SecretariatOverloadValues:
    """``[secretariat_overload]``."""

    fte_per_initiative: Column


@dataclasses.dataclass(frozen=True)
class RegulatoryBarriersValues:
    """``[regulatory_barriers]``."""

    initial: Column
    public_affairs_rate: Column
    launch_penalty: Column
    failure: Column


@dataclasses.dataclass(frozen=True)
class PeerInfluenceValues:
    """``[peer_influence]``."""

    rate: Column


@dataclasses.dataclass(frozen=True)
class StakeValues:
    """``[stake]``."""

    weight: Column
    memory_months: Column


@dataclasses.dataclass(frozen=True)
class AdaptiveExpectationsValues:
    """``[adaptive_expectations]``."""

    weight: Column
    striving: Column


@dataclasses.dataclass(frozen=True)
class FatigueValues:
    """``[fatigue]``: meeting load, unmet asks and key people leaving."""

    meeting_load: Column
    unmet_load: Column
    memory_months: Column
    weight: Column
    turnover_rate: Column
    turnover_loss: Column
    turnover_alignment: Column


@dataclasses.dataclass(frozen=True)
class PartnerExitValues:
    """``[partner_exit]``."""

    threshold: Column
    months: Column  # whole number
    value_floor: Column
    named_stay_until: Column  # month: step index (never: NEVER)


@dataclasses.dataclass(frozen=True)
class RecruitmentValues:
    """``[recruitment]`` (its pool and sectors are structure: the roster)."""

    start: Column  # month: step index (never: NEVER)
    ask_rate: Column
    ambassador_rate: Column
    results_pull: Column


@dataclasses.dataclass(frozen=True)
class CoordinationValues:
    """``[coordination]``."""

    staff_needed: Column
    rate: Column


@dataclasses.dataclass(frozen=True)
class SpiralValues:
    """``[spiral]``."""

    decay: Column
    newcomer_weight: Column
    newcomer_months: Column


@dataclasses.dataclass(frozen=True)
class BoardResponseValues:
    """``[board_response]``."""

    rule: Column  # choice code: none | revitalise | let_fade
    gap: Column


@dataclasses.dataclass(frozen=True)
class PhasedValues:
    """``[secretariat.phased]``."""

    building: Shares  # (R, 6) shares over vocabulary.EFFORTS
    piloting: Shares  # (R, 6) shares over vocabulary.EFFORTS
    scaling: Shares  # (R, 6) shares over vocabulary.EFFORTS


@dataclasses.dataclass(frozen=True)
class SecretariatValues:
    """``[secretariat]``."""

    staff: Column
    policy: Column  # choice code: fixed | phased | adaptive | host
    mix: Shares  # (R, 6) shares over vocabulary.EFFORTS
    phased: PhasedValues
    adaptive_shift: Column
    funding_ends: Column  # month: step index (never: NEVER)
    host: Shares  # (R, 6) shares over vocabulary.EFFORTS
    host_lead_share: Column
    host_build: Column
    host_pulse: Column


@dataclasses.dataclass(frozen=True)
class InitiativesValues:
    """``[initiatives]``."""

    enabled: Column  # switch: 1.0 on, 0.0 off
    slots: Column  # whole number
    idea_rate_secretariat: Column
    idea_rate_partner: Column
    launch_rate: Column
    staff_need: Column
    money_need: Column
    pilot_months: Column
    running_months: Column
    scale_rate: Column
    milestone_units: Column
    home_units: Column
    communication_base: Column
    communication_per_fte: Column


@dataclasses.dataclass(frozen=True)
class FundingValues:
    """``[funding]``."""

    secretariat_cost_mdkk_per_fte_year: Column
    fundraising_mdkk_per_fte_month: Column
    amount: PerGrant  # MDKK a month of each grant in force
    start: PerGrant  # step each grant starts
    end: PerGrant  # step each grant ends (NEVER: open-ended)


@dataclasses.dataclass(frozen=True)
class WorldValues:
    """``[world]``: the young people the alliance exists for, a stock and its flows."""

    data_end: Column  # month: step index (before the alliance's start: negative)
    inflow_path: Column  # choice code: flat | trend
    inflow_form: Column  # choice code: linear | exponential
    inflow_since: Column  # month: step index (before the alliance's start: negative)
    inflow_level: Column
    inflow_growth: Column
    share_18_24: Column
    exit_new: Column
    to_long: Column
    exit_long: Column
    return_rate: Column


@dataclasses.dataclass(frozen=True)
class SolutionValues:
    """What every solution type has (``scenario.Solution``): recruitment, filling, stays."""

    weight: Column
    units_pilot: Column
    units_running: Column
    units_scaled: Column
    units_per_month: Column
    fill_rate: Column
    stay_months: Column


@dataclasses.dataclass(frozen=True)
class DormitoryValues(SolutionValues):
    """``[solutions.dormitory]``: a unit is a dormitory."""

    rooms_per_dormitory: Column
    reserved_share: Column
    cost_dkk_per_place_month: Column


@dataclasses.dataclass(frozen=True)
class HostHomeValues(SolutionValues):
    """``[solutions.host_home]``: a unit is a host, with one place."""

    cost_dkk_per_place_month: Column


@dataclasses.dataclass(frozen=True)
class HousingFirstValues(SolutionValues):
    """``[solutions.housing_first]``: a unit is a support worker with a caseload."""

    caseload: Column
    worker_cost_dkk_per_year: Column


@dataclasses.dataclass(frozen=True)
class SolutionsValues:
    """``[solutions]``: the solution types (vocabulary.SOLUTIONS), in that order."""

    dormitory: DormitoryValues
    host_home: HostHomeValues
    housing_first: HousingFirstValues


@dataclasses.dataclass(frozen=True)
class FlatsValues:
    """``[flats]``: the stock of cheap youth flats and what widens it."""

    stock: Column  # whole number
    turnover: Column
    ordinary_share: Column
    public_affairs_flats_per_fte_year: Column
    programme_date: Column  # month: step index (never: NEVER)
    programme_flats: Column  # whole number


@dataclasses.dataclass(frozen=True)
class MunicipalityValues:
    """``[municipalities.<name>]``: one world municipality (or group) as an actor."""

    support_workers: Column
    readiness: Column


@dataclasses.dataclass(frozen=True)
class MunicipalitiesValues:
    """``[municipalities]``: the world's municipalities (vocabulary.MUNICIPALITIES), in that order."""

    copenhagen: MunicipalityValues
    aarhus: MunicipalityValues
    aalborg: MunicipalityValues
    odense: MunicipalityValues
    roskilde: MunicipalityValues
    hoje_taastrup: MunicipalityValues
    herlev: MunicipalityValues
    rest: MunicipalityValues


@dataclasses.dataclass(frozen=True)
class AdoptionValues:
    """``[adoption]``: municipalities adopting solutions (a diffusion, seed §7)."""

    imitation: Column
    financing_boost: Column
    local_alliance_boost: Column
    partner_boost: Column
    barrier_weight: Column
    stop_rate: Column
    funded_months: Column
    startup_grant_mdkk: Column
    financing_start: Column  # month: step index (never: NEVER)
    financing_end: Column  # month: step index (never: NEVER)


@dataclasses.dataclass(frozen=True)
class DevelopmentPoolValues:
    """``[development_pool]``: a small development pool, run by the alliance, inviting proposals (seed §9)."""

    enabled: Column  # switch: 1.0 on, 0.0 off
    mdkk_per_year: Column
    start: Column  # month: step index (never: NEVER)
    end: Column  # month: step index (never: NEVER)
    proposer_rung: Column  # whole number
    selection: Column  # choice code: keenest | lottery
    grant_mdkk: Column


@dataclasses.dataclass(frozen=True)
class AdvisoryBoardValues:
    """``[advisory_board]``: revitalise the AB (meets more, clear roles) or dissolve it (seed §9)."""

    change: Column  # choice code: keep | revitalise | dissolve
    date: Column  # month: step index (never: NEVER)
    meetings_per_year: Column
    closeness: Column
    dissolve_to: Column  # choice code: leave | board


@dataclasses.dataclass(frozen=True)
class BoardOwnershipValues:
    """``[board_ownership]``: board members lead initiatives instead of the secretariat (seed §9)."""

    enabled: Column  # switch: 1.0 on, 0.0 off
    start: Column  # month: step index (never: NEVER)
    takeover_rate: Column
    lead_rung: Column  # whole number


@dataclasses.dataclass(frozen=True)
class ResultsCommunicationValues:
    """``[results_communication]``: a regular overview of launched initiatives and results (seed §9)."""

    enabled: Column  # switch: 1.0 on, 0.0 off
    start: Column  # month: step index (never: NEVER)
    visibility: Column
    reach: Column


@dataclasses.dataclass(frozen=True)
class NewPartnersValues:
    """``[new_partners]``: pilot municipalities attached to the alliance (seed §9, §7)."""

    enabled: Column  # switch: 1.0 on, 0.0 off
    start: Column  # month: step index (never: NEVER)
    count: Column  # whole number
    join_probability: Column
    rung: Column  # whole number


@dataclasses.dataclass(frozen=True)
class MoreFundersValues:
    """``[more_funders]``: other foundations take over a share of the founders' initiative grants."""

    enabled: Column  # switch: 1.0 on, 0.0 off
    start: Column  # month: step index (never: NEVER)
    share: Column
    mdkk_per_year: Column


@dataclasses.dataclass(frozen=True)
class Params:
    """Every scenario number of a batch, one row per replicate (the scenario's sections)."""

    time: TimeValues
    mechanisms: MechanismsValues
    engagement: EngagementValues
    establishment: EstablishmentValues
    results_lag: ResultsLagValues
    trust_ladder: TrustLadderValues
    own_value: OwnValueValues
    board_ab_split: BoardAbSplitValues
    crowding_out: CrowdingOutValues
    secretariat_overload: SecretariatOverloadValues
    regulatory_barriers: RegulatoryBarriersValues
    peer_influence: PeerInfluenceValues
    stake: StakeValues
    adaptive_expectations: AdaptiveExpectationsValues
    fatigue: FatigueValues
    partner_exit: PartnerExitValues
    recruitment: RecruitmentValues
    coordination: CoordinationValues
    spiral: SpiralValues
    board_response: BoardResponseValues
    secretariat: SecretariatValues
    initiatives: InitiativesValues
    funding: FundingValues
    world: WorldValues
    solutions: SolutionsValues
    flats: FlatsValues
    municipalities: MunicipalitiesValues
    adoption: AdoptionValues
    development_pool: DevelopmentPoolValues
    advisory_board: AdvisoryBoardValues
    board_ownership: BoardOwnershipValues
    results_communication: ResultsCommunicationValues
    new_partners: NewPartnersValues
    more_funders: MoreFundersValues


def build(flat: Mapping[str, npt.NDArray[np.float64]]) -> Params:
    """The typed parameters from flat dotted leaves; every leaf must be used, and every field found."""
    used: set[str] = set()
    params: Params = _build(Params, "", flat, used)
    left = sorted(set(flat) - used)
    if left:
        raise KeyError(f"parameter leaves with no field in parameters.Params: {left}")
    return params


def _build(cls: type[Any], prefix: str, flat: Mapping[str, npt.NDArray[np.float64]],
           used: set[str]) -> Any:
    values: dict[str, Any] = {}
    for name, hint in typing.get_type_hints(cls).items():
        key = prefix + name
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            values[name] = _build(hint, key + ".", flat, used)
        elif key in flat:
            values[name] = flat[key]
            used.add(key)
        else:
            raise KeyError(f"parameters.Params field {key!r} has no compiled value")
    return cls(**values)


def leaf_names(cls: type[Any] = Params, prefix: str = "") -> list[str]:
    """The dotted names of every leaf of the typed parameters, in declaration order."""
    names: list[str] = []
    for name, hint in typing.get_type_hints(cls).items():
        nested = isinstance(hint, type) and dataclasses.is_dataclass(hint)
        names += leaf_names(hint, f"{prefix}{name}.") if nested else [prefix + name]
    return names


def schema_leaf_names(model: type[BaseModel] = schema.Scenario, prefix: str = "") -> list[str]:
    """The dotted names of the schema's per-replicate fields: all but ``STRUCTURE``."""
    names: list[str] = []
    for name, info in model.model_fields.items():
        key = prefix + name
        if key in STRUCTURE:
            continue
        sub = info.annotation
        nested = isinstance(sub, type) and issubclass(sub, BaseModel) and sub is not schema.Mix
        names += schema_leaf_names(sub, key + ".") if nested else [key]  # type: ignore[arg-type]
    return names


def check_matches_schema() -> None:
    """Refuse any drift between the schema and these dataclasses."""
    ours = [n for n in leaf_names() if n not in DERIVED]
    theirs = schema_leaf_names()
    if ours != theirs:
        missing, extra = sorted(set(theirs) - set(ours)), sorted(set(ours) - set(theirs))
        raise TypeError(f"parameters.Params and the scenario schema differ: fields missing here "
                        f"{missing}, fields not in the schema {extra} (or their order differs)")


check_matches_schema()
