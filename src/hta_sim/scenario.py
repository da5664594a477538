"""Scenarios as data: the TOML schema, loading with validation, presets and overlays (extends).

A scenario file states parameters by section. A file may say ``extends = "baseline"`` (a preset name or
a path relative to the file) and then state only what differs. Validation is strict: unknown keys,
wrong types, out-of-range values and tactical mixes that do not sum to 1 are refused with one line
naming the field, the value and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .calendar import parse_month
from .errors import InputError, read_text
from .vocabulary import EFFORTS, Sector

Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="a month, YYYY-MM")]
NEVER = "never"  # how a file states that an optional date (an end) never comes
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Field(ge=0.0, le=1.0)]


# Every float field has finite bounds, so an infinity or an absurd magnitude is refused, not run
# (tests/test_strict.py walks the schema for this). Bounds by what a field measures:
Units = Annotated[float, Field(ge=0.0, le=100.0)]  # result units, expectations, levels
Homes = Annotated[float, Field(ge=0.0, le=1000.0)]  # homes (or build credit) per initiative
PerMonth = Annotated[float, Field(ge=0.0, le=10.0)]  # arrivals or MDKK per month
Need = Annotated[float, Field(gt=0.0, le=100.0)]  # a strictly positive need, cost or scale


def _never(value: Any) -> Any:
    return None if value == NEVER else value


#: An optional month: a month YYYY-MM, or "never" (the same as leaving it out).
MaybeMonth = Annotated[Month | None, BeforeValidator(_never)]
MAX_MONTHS = 1200  # the longest horizon a run may have: 100 years of monthly steps
MAX_LIST = 1000  # the most grants, funders or excluded partners a scenario may list


NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")  # a scenario name: a plain identifier
MIX_TOLERANCE = 1e-6  # how far from 1 a mix's shares may sum (rounding in a user's file)


def mix_problem(shares: Sequence[float]) -> str | None:
    """What is wrong with a tactical mix (six shares >= 0 that sum to 1), or None."""
    total = sum(shares)
    if len(shares) != len(EFFORTS) or min(shares) < 0:
        return f"a mix needs {len(EFFORTS)} shares >= 0 ({', '.join(EFFORTS)})"
    if abs(total - 1.0) > MIX_TOLERANCE:
        return f"the six shares sum to {total:.4g}; they must sum to 1"
    return None


class Section(BaseModel):
    """A part of a scenario, validated strictly.

    No unknown keys, no coercion between types (a TOML ``true`` is not the number 1, ``"0.5"`` is
    not a number, ``"yes"`` is not a switch), and no infinite or NaN numbers.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Mix(Section):
    """Shares of the secretariat's capacity over the six tactical efforts (seed §4); they sum to 1."""

    strategy: Share = 0.30
    local_alliances: Share = 0.20
    data_collection: Share = 0.15
    campaign: Share = 0.15
    public_affairs: Share = 0.10
    fundraising: Share = 0.10

    @model_validator(mode="after")
    def _sums_to_one(self) -> Mix:
        problem = mix_problem(self.shares())
        if problem:
            raise ValueError(problem)
        return self

    def shares(self) -> list[float]:
        return [getattr(self, e) for e in EFFORTS]


class Time(Section):
    """The horizon, start to end (both simulated), and the dates that fall inside it."""

    start: Month = "2016-01"
    end: Month = "2027-12"
    association: Month = "2017-08"
    pulse_dates: Annotated[list[Month], Field(max_length=MAX_MONTHS)] = [
        "2018-10", "2020-10", "2022-10", "2024-10", "2026-10"]

    @model_validator(mode="after")
    def _ordered(self) -> Time:
        first, last = parse_month(self.start), parse_month(self.end)
        if last < first:
            raise ValueError(f"end {self.end} comes before start {self.start}")
        if last - first + 1 > MAX_MONTHS:
            raise ValueError(f"the horizon {self.start} to {self.end} has {last - first + 1} months; "
                             f"at most {MAX_MONTHS} are allowed")
        return self

    @field_validator("pulse_dates")
    @classmethod
    def _unique(cls, dates: list[str]) -> list[str]:
        dup = sorted({d for d in dates if dates.count(d) > 1})
        if dup:
            raise ValueError(f"names {dup[0]} twice; each pulse date once")
        return dates


class Roster(Section):
    file: str | None = Field(default=None, description="a roster TOML; none means the seed's organisations")
    exclude: Annotated[list[str], Field(max_length=MAX_LIST)] = []


class Mechanisms(Section):
    """One switch per named mechanism (docs/ODD.md, section 7)."""

    results_lag: bool = True
    trust_ladder: bool = True
    own_value: bool = True
    board_ab_split: bool = True
    crowding_out: bool = True
    secretariat_overload: bool = True
    regulatory_barriers: bool = True
    peer_influence: bool = True
    stake: bool = True
    returns_to_homelessness: bool = True
    housing_constraint: bool = True  # off: a solution finds a cheap flat whenever it needs one
    dormitory_capacity: bool = True  # off: dormitories take whoever they reach, places unbounded
    host_home_capacity: bool = True  # off: host homes take whoever they reach, places unbounded
    housing_first_capacity: bool = True  # off: support takes whoever it reaches, places unbounded
    adoption_diffusion: bool = True  # off: no municipality adopts a solution on its own
    adaptive_expectations: bool = True  # off: expectations stay at results_lag.expectation
    fatigue: bool = True  # off: meetings and unmet asks never wear engagement down
    turnover: bool = True  # off: no partner ever loses its key person
    partner_exit: bool = True  # off: no partner leaves on its own
    recruitment: bool = True  # off: no candidate organisation ever joins
    coordination: bool = True  # off: meetings and contact need no secretariat effort
    spiral: bool = True  # off: the build never decays


class Engagement(Section):
    base: Share = 0.50
    response: Rate = 0.12
    noise_sd: Annotated[float, Field(ge=0.0, le=0.5)] = 0.02
    initial_spread: Annotated[float, Field(ge=0.0, le=0.5)] = 0.05


class Establishment(Section):
    build_rate: Annotated[float, Field(ge=0.0, le=2.0)] = 0.12


class ResultsLag(Section):
    weight: Share = 0.25
    build_credit: Homes = 20.0
    expectation: Units = 0.6
    expectation_rate: Rate = 0.08
    patience_months: Annotated[float, Field(ge=1.0, le=600.0)] = 48.0
    perception_rate: Rate = 0.25
    scale: Need = 1.0


class TrustLadder(Section):
    climb_base: Share = 0.50
    climb_step: Annotated[float, Field(ge=0.0, le=0.2)] = 0.04
    fall_margin: Share = 0.20
    climb_probability: Rate = 0.10
    fall_probability: Rate = 0.10
    memory_months: Annotated[float, Field(ge=1.0, le=60.0)] = 6.0
    success_level: Units = 0.3
    start_rung_initiator: Annotated[int, Field(ge=0, le=7)] = 4
    start_rung_board_joiner: Annotated[int, Field(ge=0, le=7)] = 4
    start_rung_ab_joiner: Annotated[int, Field(ge=0, le=7)] = 3


class OwnValue(Section):
    weight: Share = 0.20
    home_bonus: Share = 0.20


class BoardAbSplit(Section):
    steering_meetings_per_year: Annotated[float, Field(ge=0.0, le=52.0)] = 10.0
    board_meetings_per_year: Annotated[float, Field(ge=0.0, le=52.0)] = 10.0
    ab_meetings_per_year: Annotated[float, Field(ge=0.0, le=52.0)] = 3.0
    ab_closeness: Share = 0.4
    closeness_weight: Share = 0.04


class CrowdingOut(Section):
    money_strength: Share = 0.5
    engagement_strength: Share = 0.05


class SecretariatOverload(Section):
    fte_per_initiative: Annotated[float, Field(gt=0.0, le=5.0)] = 0.35


class RegulatoryBarriers(Section):
    initial: Share = 0.5
    public_affairs_rate: Rate = 0.03
    launch_penalty: Share = 0.6
    failure: Share = 0.35


class PeerInfluence(Section):
    rate: Annotated[float, Field(ge=0.0, le=0.2)] = 0.04


class Stake(Section):
    weight: Share = 0.20
    memory_months: Annotated[float, Field(ge=1.0, le=120.0)] = 12.0


class AdaptiveExpectations(Section):
    """Expectations follow what partners have seen, and the share of the goal still open.

    Aspiration adaptation (Cyert & March 1963; Repenning 2002): what a partner expects moves towards
    what it has recently seen, raised by ``striving`` times the share of the 2017 count still
    homeless; ``weight`` is how far expectations follow results rather than stay fixed.
    """

    # an assumption between 0.5 (targets still clipped at 1 for most partners after 2024) and 0.7
    # (engagement collapsing below 0.6 in the baseline); fitted by the calibration issue
    weight: Share = 0.6
    striving: Annotated[float, Field(ge=0.0, le=5.0)] = 0.5


class Fatigue(Section):
    """Meeting load and unmet asks wear engagement down; key people leave (seed §6, §7)."""

    meeting_load: Annotated[float, Field(ge=0.0, le=2.0)] = 0.1  # strain of one meeting a month
    unmet_load: Share = 0.5  # strain of putting everything in and seeing nothing of what was expected
    memory_months: Annotated[float, Field(ge=1.0, le=120.0)] = 12.0
    weight: Share = 0.3
    turnover_rate: Rate = 1.0 / 48.0  # a month: a partner's key person leaves
    turnover_loss: Share = 0.3  # share of engagement the new key person does not carry over
    turnover_alignment: Share = 0.2  # how far the new key person's fit may differ (uniform, +-)


class PartnerExit(Section):
    """A partner leaves when engagement stays low long enough, or its own value is gone."""

    threshold: Share = 0.3
    months: Annotated[int, Field(ge=1, le=120)] = 6
    value_floor: Share = 0.35  # own value (own_value.value) below which a partner leaves at once
    named_stay_until: MaybeMonth = "2019-01"  # a dated fact: the 2018 evaluation met every named partner


class Recruitment(Section):
    """Candidate organisations join when asked or when visible results make the alliance worth it.

    The candidates are synthetic: ``pool`` organisations whose sectors cycle through ``sectors``,
    each with its sector's resource profile (data/roster.toml). None joins before ``start``.
    """

    pool: Annotated[int, Field(ge=0, le=500)] = 12
    sectors: Annotated[list[Sector], Field(min_length=1, max_length=MAX_LIST)] = [
        "ngo", "municipality", "foundation", "social_housing", "private_company",
        "user_organisation", "education", "state_agency"]
    start: MaybeMonth = "2019-01"
    ask_rate: Rate = 0.005  # a month, per FTE of the secretariat's strategy and local-alliance work
    ambassador_rate: Rate = 0.001  # a month, per partner acting as ambassador (rung 6 and up)
    results_pull: Rate = 0.005  # a month, at full visible progress


class Coordination(Section):
    """Meetings, communication and matching partners cost secretariat effort (seed §2, §4)."""

    staff_needed: Need = 1.5  # FTE that keep the network's meetings and contact going in full
    rate: Rate = 1.0 / 6.0  # a month: how fast coordination follows the staff it has


class Spiral(Section):
    """The build decays without upkeep, or when many partners are new (seed §6: a spiral)."""

    decay: Rate = 0.05  # a month, of the build, with no coordination at all
    newcomer_weight: Share = 0.05  # of the build a month, were every partner new
    newcomer_months: Annotated[float, Field(ge=1.0, le=120.0)] = 12.0


class BoardResponse(Section):
    """The board's rule when the AB's engagement falls (seed §6, §9): a rule on state, not a date."""

    rule: Literal["none", "revitalise", "let_fade"] = "none"
    gap: Annotated[float, Field(ge=0.0, le=4.0)] = 0.5  # pulse points the AB lies below the board


class Phased(Section):
    building: Mix = Mix(strategy=0.45, local_alliances=0.15, data_collection=0.10, campaign=0.10,
                        public_affairs=0.10, fundraising=0.10)
    piloting: Mix = Mix(strategy=0.15, local_alliances=0.30, data_collection=0.20, campaign=0.15,
                        public_affairs=0.10, fundraising=0.10)
    scaling: Mix = Mix(strategy=0.10, local_alliances=0.30, data_collection=0.20, campaign=0.15,
                       public_affairs=0.15, fundraising=0.10)


class Secretariat(Section):
    staff: Annotated[float, Field(ge=0.0, le=50.0)] = 3.0
    policy: Literal["fixed", "phased", "adaptive", "host"] = "fixed"
    mix: Mix = Mix()
    phased: Phased = Phased()
    adaptive_shift: Share = 0.10
    funding_ends: MaybeMonth = None
    # the host policy (fig. 7.4: from initiator to host): its mix, and when it moves towards it
    host: Mix = Mix(strategy=0.10, local_alliances=0.30, data_collection=0.20, campaign=0.20,
                    public_affairs=0.10, fundraising=0.10)
    host_lead_share: Share = 0.5  # of working initiatives led by partners
    host_build: Share = 0.6  # the build the network needs before the secretariat steps back
    host_pulse: Annotated[float, Field(ge=1.0, le=5.0)] = 3.0  # the last pulse's mean score


class Initiatives(Section):
    enabled: bool = True
    slots: Annotated[int, Field(ge=1, le=256)] = 32
    idea_rate_secretariat: PerMonth = 0.10
    idea_rate_partner: PerMonth = 0.05
    launch_rate: Rate = 0.15
    staff_need: Need = 1.5
    money_need: Need = 0.05
    pilot_months: Annotated[float, Field(ge=1.0, le=120.0)] = 12.0
    running_months: Annotated[float, Field(ge=1.0, le=240.0)] = 24.0
    scale_rate: Rate = 0.05
    milestone_units: Units = 1.0
    home_units: Units = 0.1
    communication_base: Rate = 0.02
    communication_per_fte: Rate = 0.10


class Grant(Section):
    partner: str
    purpose: Literal["secretariat", "initiatives"]
    mdkk_per_year: Annotated[float, Field(ge=0.0, le=1000.0)]
    start: Month
    end: MaybeMonth = None

    @model_validator(mode="after")
    def _ordered(self) -> Grant:
        if self.end is not None and parse_month(self.end) < parse_month(self.start):
            raise ValueError(f"end {self.end} comes before start {self.start}")
        return self


class Funding(Section):
    grants: Annotated[list[Grant], Field(max_length=MAX_LIST)] = [
        Grant(partner="bikubenfonden", purpose="secretariat", mdkk_per_year=3.5, start="2016-01"),
        Grant(partner="bikubenfonden", purpose="initiatives", mdkk_per_year=2.0, start="2016-01"),
    ]
    secretariat_cost_mdkk_per_fte_year: Need = 1.1
    fundraising_mdkk_per_fte_month: PerMonth = 0.1


class World(Section):
    """The young people the alliance exists for: a stock of homeless 18-29-year-olds and its flows.

    Spell structure and returns are read from the national evidence (src/hta_sim/data/
    homelessness.toml); the inflow's level and growth are fitted to the 2009-2017 counts
    (``python experiments/homelessness_hindcast.py``); after ``data_end`` the inflow follows
    ``inflow_path``: ``flat`` (the level at the last count holds) or ``trend`` (the growth goes on).
    """

    start: Month = "2007-01"  # the world runs from here, before the alliance, on its own stream
    data_end: Month = "2017-02"  # the last count (week 6, 2017): where the two paths part
    inflow_path: Literal["flat", "trend"] = "trend"
    inflow_form: Literal["linear", "exponential"] = "linear"  # how the inflow grows to data_end
    inflow_since: Month = "2009-02"  # the first count the inflow is fitted to
    # fitted to the 2009-2017 counts (results/hindcast: the best candidate of the grid posterior)
    inflow_level: Annotated[float, Field(ge=0.0, le=10_000.0)] = 166.7  # new spells a month then
    inflow_growth: Annotated[float, Field(ge=-0.5, le=0.5)] = 0.12  # a year, of the level, to data_end
    share_18_24: Share = 0.598  # of new spells
    exit_new: Rate = 1.0 / 6.0  # a month, spells under a year
    to_long: Rate = 1.0 / 12.0  # a month: a spell passes a year
    exit_long: Rate = 1.0 / 12.0  # a month, spells over a year
    return_rate: Rate = 0.0087  # a month, of young people the alliance housed


Count = Annotated[int, Field(ge=0, le=1_000_000)]  # whole flats, rooms or young people
Recruits = Annotated[float, Field(ge=0.0, le=1000.0)]  # dormitories, hosts or support workers
Dkk = Annotated[float, Field(ge=0.0, le=10_000_000.0)]  # Danish kroner


class Solution(Section):
    """What every solution type has (seed §8).

    A *unit* is what the solution recruits: a dormitory that signs an agreement, a host family, a
    support worker. An initiative of the type recruits units up to its stage's number (pilot,
    running, scaled) at ``units_per_month`` (times its resource adequacy); its places are the
    units' places, whole. Free places are filled at ``fill_rate`` a month; a stay ends with chance
    one over ``stay_months`` a month.
    """

    weight: Annotated[float, Field(ge=0.0, le=100.0)] = 1.0  # relative share of new ideas
    units_pilot: Recruits = 1.0
    units_running: Recruits = 2.0
    units_scaled: Recruits = 6.0
    units_per_month: Annotated[float, Field(ge=0.0, le=100.0)] = 0.25
    fill_rate: Rate = 0.5
    stay_months: Annotated[float, Field(ge=1.0, le=600.0)] = 12.0


class Dormitory(Solution):
    """The dormitory model (Kollegiemodellen / Bo Sammen).

    A dormitory reserves a share of its rooms for homeless young people, who live there on an
    ordinary lease (seed §8: 10-20 %; 18 places in Copenhagen and Odense, one more agreement in
    Herlev; target 100 homes).
    """

    units_pilot: Recruits = 2.0  # dormitories: Copenhagen and Odense (seed §8)
    units_running: Recruits = 3.0  # one more agreement (Herlev, seed §8)
    units_scaled: Recruits = 11.0  # the target's 100 homes at 9 places a dormitory (seed §8)
    stay_months: Annotated[float, Field(ge=1.0, le=600.0)] = 24.0
    rooms_per_dormitory: Annotated[float, Field(ge=1.0, le=10_000.0)] = 90.0
    reserved_share: Annotated[float, Field(ge=0.0, le=1.0)] = 0.10
    cost_dkk_per_place_month: Dkk = 2_500.0


class HostHome(Solution):
    """Host homes (Hjem til Dig, with the Red Cross).

    A private host takes one young person for 3-6 months; then the young person needs a home of
    their own (seed §8: goal 40-60 young people over three years; 2 housed by December 2018, behind
    plan).
    """

    units_pilot: Recruits = 3.0  # hosts
    units_running: Recruits = 6.0  # the goal's 40-60 young people over three years at 4.5-month stays
    units_scaled: Recruits = 20.0
    units_per_month: Annotated[float, Field(ge=0.0, le=100.0)] = 0.25
    fill_rate: Rate = 0.3
    stay_months: Annotated[float, Field(ge=1.0, le=600.0)] = 4.5  # seed §8: 3-6 months
    cost_dkk_per_place_month: Dkk = 6_000.0


class HousingFirst(Solution):
    """Housing First with support in a municipality.

    Seed §1: the alliance's approach; §8: the 24/7 support model. A support worker carries a
    caseload, and each young person needs a cheap flat.
    """

    units_pilot: Recruits = 1.0  # support workers
    units_running: Recruits = 2.0
    units_scaled: Recruits = 6.0
    stay_months: Annotated[float, Field(ge=1.0, le=600.0)] = 18.0  # months of support
    caseload: Annotated[float, Field(ge=1.0, le=100.0)] = 8.0
    worker_cost_dkk_per_year: Dkk = 550_000.0


class Solutions(Section):
    """The solution types an initiative can be an instance of (seed §8)."""

    dormitory: Dormitory = Dormitory()
    host_home: HostHome = HostHome()
    housing_first: HousingFirst = HousingFirst()

    @model_validator(mode="after")
    def _some_weight(self) -> Solutions:
        if self.dormitory.weight + self.host_home.weight + self.housing_first.weight <= 0.0:
            raise ValueError("the solution types' weights are all 0; at least one must be > 0")
        return self


class Municipality(Section):
    """One world municipality (or group of them) as an actor (seed §7)."""

    support_workers: Annotated[float, Field(ge=0.0, le=100.0)] = 1.0  # Housing First staff an adopter assigns
    readiness: Annotated[float, Field(ge=0.0, le=10.0)] = 1.0  # a factor on its chance to adopt


class Municipalities(Section):
    """The world's municipalities (vocabulary.MUNICIPALITIES), in that order."""

    copenhagen: Municipality = Municipality(support_workers=3.0)
    aarhus: Municipality = Municipality(support_workers=2.0)
    aalborg: Municipality = Municipality()
    odense: Municipality = Municipality()
    roskilde: Municipality = Municipality()
    hoje_taastrup: Municipality = Municipality()
    herlev: Municipality = Municipality()
    rest: Municipality = Municipality()


class Adoption(Section):
    """Municipalities adopt a solution when they see it work elsewhere and financing help is offered.

    Seed §7; a diffusion (Rogers 2003; Bass 1969). A non-adopter's chance a month is ``imitation``
    times the share of Denmark's 98 municipalities running the type elsewhere, times the share of
    the alliance's results made visible, times the lifts of financing help, local-alliance work and
    partnership, less the barriers' weight. A funded start (the pool's start-up grant, or a dated
    programme) runs ``funded_months`` on average; then the adopter stops at ``stop_rate`` a month.
    """

    # Bass's imitation coefficient q: 0.38 a year on average over 213 diffusions (Sultan, Farley &
    # Lehmann 1990), about 0.03 a month
    imitation: Rate = 0.03
    financing_boost: Annotated[float, Field(ge=0.0, le=20.0)] = 2.0
    local_alliance_boost: Annotated[float, Field(ge=0.0, le=20.0)] = 1.0  # per FTE
    partner_boost: Annotated[float, Field(ge=0.0, le=20.0)] = 1.0
    barrier_weight: Share = 0.5
    stop_rate: Rate = 1.0 / 48.0  # a month, of adopters whose funding has ended
    # how long a funded start runs, on average: the four-year trials of seed §2 ("+Dig")
    funded_months: Annotated[float, Field(ge=1.0, le=600.0)] = 48.0
    # the development pool's start-up grant to each adopting municipality while its budget lasts
    startup_grant_mdkk: Annotated[float, Field(gt=0.0, le=100.0)] = 0.25
    financing_start: MaybeMonth = None  # a dated financing programme (an event)
    financing_end: MaybeMonth = None


class Flats(Section):
    """Cheap youth flats: the binding constraint.

    Seed §1: the first strategic effort is more cheap housing. A stock whose tenants move out at
    ``turnover`` a month; ordinary exits from homelessness take ``ordinary_share`` of their number
    of the month's vacancies first, and the alliance's solutions compete for the rest. Public
    affairs and a dated programme widen the stock.
    """

    stock: Count = 3_000  # cheap youth flats nationally, split as the homeless are
    turnover: Rate = 1.0 / 30.0  # a month: tenants stay two and a half years
    ordinary_share: Share = 0.2  # of ordinary exits, the share that take a cheap youth flat
    public_affairs_flats_per_fte_year: Annotated[float, Field(ge=0.0, le=10_000.0)] = 20.0
    programme_date: MaybeMonth = None  # a housing programme (a dated event) adds flats
    programme_flats: Count = 0


# --- levers (seed §9: the evaluation's recommendations) ------------------------------------------


class DevelopmentPool(Section):
    """A small development pool, run by the alliance, inviting proposals (seed §9)."""

    enabled: bool = False
    funders: Annotated[list[str], Field(min_length=1, max_length=MAX_LIST)] = ["bikubenfonden"]
    mdkk_per_year: Annotated[float, Field(ge=0.0, le=100.0)] = 2.0
    start: Month = "2019-01"
    end: MaybeMonth = None
    proposer_rung: Annotated[int, Field(ge=0, le=7)] = 4
    selection: Literal["keenest", "lottery"] = "keenest"
    grant_mdkk: Annotated[float, Field(gt=0.0, le=100.0)] = 0.5

    @model_validator(mode="after")
    def _ordered(self) -> DevelopmentPool:
        if self.end is not None and parse_month(self.end) < parse_month(self.start):
            raise ValueError(f"end {self.end} comes before start {self.start}")
        return self


class AdvisoryBoard(Section):
    """Revitalise the AB (meets more, clear roles) or dissolve it (seed §9)."""

    change: Literal["keep", "revitalise", "dissolve"] = "keep"
    date: Month = "2019-01"
    meetings_per_year: Annotated[float, Field(ge=0.0, le=52.0)] = 8.0
    closeness: Share = 0.8
    dissolve_to: Literal["leave", "board"] = "board"


class BoardOwnership(Section):
    """Board members own working groups and lead initiatives instead of the secretariat (seed §9)."""

    enabled: bool = False
    start: Month = "2019-01"
    takeover_rate: Rate = 0.2
    lead_rung: Annotated[int, Field(ge=0, le=7)] = 4


class ResultsCommunication(Section):
    """A simple, regular overview of launched initiatives and results (seed §9)."""

    enabled: bool = False
    start: Month = "2019-01"
    visibility: Rate = 0.15
    reach: Share = 1.0


class NewPartners(Section):
    """Pilot municipalities attached to the alliance (seed §9; §7: they join on seeing a solution work)."""

    enabled: bool = False
    start: Month = "2019-01"
    count: Annotated[int, Field(ge=0, le=100)] = 5
    join_probability: Rate = 0.05
    rung: Annotated[int, Field(ge=0, le=7)] = 3


class MoreFunders(Section):
    """Other foundations take over a share of the founders' initiative grants.

    They may add money of their own, so that no single funder dominates (seed §9: open doors to
    other foundations).
    """

    enabled: bool = False
    start: Month = "2019-01"
    partners: Annotated[list[str], Field(min_length=1, max_length=MAX_LIST)] = [
        "realdania", "helsefonden", "villum"]
    share: Share = 0.5
    mdkk_per_year: Annotated[float, Field(ge=0.0, le=100.0)] = 0.0


class Scenario(Section):
    """A whole scenario: what the alliance is, which mechanisms act, and how strongly."""

    name: str = "defaults"  # the schema's own defaults; the calibrated alliance is the "baseline" preset
    description: Annotated[str, Field(max_length=10_000)] = ""
    time: Time = Time()
    roster: Roster = Roster()
    mechanisms: Mechanisms = Mechanisms()
    engagement: Engagement = Engagement()
    establishment: Establishment = Establishment()
    results_lag: ResultsLag = ResultsLag()
    trust_ladder: TrustLadder = TrustLadder()
    own_value: OwnValue = OwnValue()
    board_ab_split: BoardAbSplit = BoardAbSplit()
    crowding_out: CrowdingOut = CrowdingOut()
    secretariat_overload: SecretariatOverload = SecretariatOverload()
    regulatory_barriers: RegulatoryBarriers = RegulatoryBarriers()
    peer_influence: PeerInfluence = PeerInfluence()
    stake: Stake = Stake()
    adaptive_expectations: AdaptiveExpectations = AdaptiveExpectations()
    fatigue: Fatigue = Fatigue()
    partner_exit: PartnerExit = PartnerExit()
    recruitment: Recruitment = Recruitment()
    coordination: Coordination = Coordination()
    spiral: Spiral = Spiral()
    board_response: BoardResponse = BoardResponse()
    secretariat: Secretariat = Secretariat()
    initiatives: Initiatives = Initiatives()
    funding: Funding = Funding()
    world: World = World()
    solutions: Solutions = Solutions()
    flats: Flats = Flats()
    municipalities: Municipalities = Municipalities()
    adoption: Adoption = Adoption()
    development_pool: DevelopmentPool = DevelopmentPool()
    advisory_board: AdvisoryBoard = AdvisoryBoard()
    board_ownership: BoardOwnership = BoardOwnership()
    results_communication: ResultsCommunication = ResultsCommunication()
    new_partners: NewPartners = NewPartners()
    more_funders: MoreFunders = MoreFunders()

    @model_validator(mode="after")
    def _dates_in_horizon(self) -> Scenario:
        problem = date_problem(self)
        if problem:
            raise ValueError(problem)
        return self

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        """A plain identifier, since it becomes a folder name (results/run/<name>).

        No path separators, no '..' and no control characters.
        """
        if not NAME.fullmatch(v) or ".." in v:
            raise ValueError("a name is 1 to 100 letters, digits, '_', '-' or '.', starting with a "
                             "letter or digit, without '..'")
        return v

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    def digest(self) -> str:
        """A stable hash of the resolved scenario, for provenance."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def with_changes(self, changes: dict[str, Any]) -> Scenario:
        """A copy with dotted-path overrides, validated: {'mechanisms.stake': False}.

        The values come from code (a sweep's design, the optimiser, a posterior), so numpy scalars
        are first made plain Python values; the strict schema then refuses any other coercion.
        """
        plain = {k: _plain(v) for k, v in changes.items()}
        return validate(deep_merge(self.to_dict(), unflatten(plain)), source="overrides")


def _plain(value: Any) -> Any:
    """A numpy scalar (np.int64 from a design, np.float64 from the optimiser) as a Python value."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


#: Dates that mark a point of the run: inside the horizon (an end may also be "never").
POINT_DATES = ("time.association", "secretariat.funding_ends", "flats.programme_date",
               "adoption.financing_start", "adoption.financing_end")
#: Lever dates, checked only when the lever acts (a switched-off lever's date never comes), with
#: the lever's switch; a start may precede the horizon (in place from the first month).
LEVER_DATES = {"development_pool.start": "development_pool.enabled",
               "development_pool.end": "development_pool.enabled",
               "advisory_board.date": "advisory_board.change", "board_ownership.start":
               "board_ownership.enabled", "results_communication.start": "results_communication.enabled",
               "new_partners.start": "new_partners.enabled", "more_funders.start": "more_funders.enabled"}


def _acts(scenario: Scenario, switch: str) -> bool:
    value = _get(scenario, switch)
    return value not in (False, "keep")


def _dates(scenario: Scenario) -> list[tuple[str, str | None, bool]]:
    """(field, month or None, may precede the start) for every date that matters in a scenario."""
    found = [(f, _get(scenario, f), False) for f in POINT_DATES]
    found += [(f, _get(scenario, f), not f.endswith(".end")) for f, switch in LEVER_DATES.items()
              if _acts(scenario, switch)]
    for i, g in enumerate(scenario.funding.grants):
        found += [(f"funding.grants[{i}].start", g.start, True), (f"funding.grants[{i}].end", g.end,
                                                                   False)]
    found += [(f"time.pulse_dates[{i}]", d, False) for i, d in enumerate(scenario.time.pulse_dates)]
    return found


def _world_problem(scenario: Scenario) -> str | None:
    """The world's dates, checked: one line, or None.

    Its start opens the horizon (the earliest simulated month) no later than the alliance's start;
    the inflow's dates lie inside that horizon.
    """
    t, w = scenario.time, scenario.world
    first, start, last = parse_month(w.start), parse_month(t.start), parse_month(t.end)
    if first > start:
        return (f"field 'world.start' = {json.dumps(w.start)}: must be at most {t.start} (time.start): "
                "the world runs before the alliance")
    if last - first + 1 > MAX_MONTHS:
        return (f"field 'world.start' = {json.dumps(w.start)}: the horizon {w.start} to {t.end} has "
                f"{last - first + 1} months; at most {MAX_MONTHS} are allowed")
    for field, month in (("world.data_end", w.data_end), ("world.inflow_since", w.inflow_since)):
        if not first <= parse_month(month) <= last:
            return (f"field {field!r} = {json.dumps(month)}: must lie between {w.start} and {t.end}, "
                    "inside the world's horizon (world.start to time.end)")
    return None


def date_problem(scenario: Scenario) -> str | None:
    """The first date that falls outside the run's horizon, as one line, or None."""
    world = _world_problem(scenario)
    if world:
        return world
    t = scenario.time
    first, last = parse_month(t.start), parse_month(t.end)
    for field, month, since in _dates(scenario):
        if month is None:
            continue
        m = parse_month(month)
        if m > last or (m < first and not since):
            allowed = f"be at most {t.end}" if since else f"lie between {t.start} and {t.end}"
            never = ' or be "never"' if field.endswith(("end", "ends")) else ""
            return (f"field {field!r} = {json.dumps(month)}: must {allowed}, inside the run's horizon "
                    f"(time.start to time.end){never}")
    return None


def _get(model: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        model = getattr(model, part)
    return model


# --- loading -------------------------------------------------------------------------------------


def preset_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files("hta_sim.presets").iterdir()
                  if p.name.endswith(".toml"))


MAX_EXTENDS = 16  # how many files an 'extends' chain may pass through


def _read_toml(path: Path | None, text: str | None, label: str) -> dict[str, Any]:
    if text is None:
        assert path is not None  # a preset's text, or a user's file
        text = read_text(path, f"scenario {label}", "a .toml file",
                         not_found=f"file not found; give a preset name ({', '.join(preset_names())}) "
                         "or a readable .toml path")
    return parse_toml(text, f"scenario {label}")


def parse_toml(raw: str, label: str) -> dict[str, Any]:
    """TOML text as a table; bad TOML, or nesting too deep to parse, is one line of InputError."""
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{label}: not valid TOML ({exc})") from None
    except RecursionError:
        raise InputError(f"{label}: not valid TOML (nested too deeply)") from None


def _raw(ref: str, base_dir: Path | None, seen: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """The merged raw table of a preset name or path, following 'extends'.

    ``seen`` holds (key, short name) of the files on the way here; a file met twice is a cycle,
    named in one line by the files' short names.
    """
    preset = ref in preset_names()
    path = Path(ref) if preset or base_dir is None or Path(ref).is_absolute() else base_dir / ref
    key, short = (f"preset:{ref}", ref) if preset else (str(path.resolve()), path.name)
    if key in {k for k, _ in seen}:
        raise _cycle(seen, key, short)
    if preset:
        label, here = f"preset {ref!r}", None
        data = _read_toml(
            None, resources.files("hta_sim.presets").joinpath(f"{ref}.toml").read_text("utf-8"), ref)
    else:
        label, here = str(path), path.parent
        data = _read_toml(path, None, label)
    if len(seen) >= MAX_EXTENDS:
        raise InputError(f"scenario {seen[0][1]}: field 'extends' passes through more than "
                         f"{MAX_EXTENDS} files")
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise InputError(f"scenario {label}: field 'extends' = {json.dumps(parent, default=str)}: "
                         "must be a preset name or path")
    return deep_merge(_raw(parent, here, (*seen, (key, short))), data)


def _cycle(seen: tuple[tuple[str, str], ...], key: str, short: str) -> InputError:
    start = [k for k, _ in seen].index(key)
    names = [n for _, n in seen[start:]] + [short]
    return InputError(f"scenario {seen[0][1]}: field 'extends' forms a cycle: {' -> '.join(names)}")


def load(ref: str | Path | Scenario) -> Scenario:
    """A Scenario from a preset name, a TOML path, or a Scenario (returned as is)."""
    if isinstance(ref, Scenario):
        return ref
    ref = str(ref)
    if ref not in preset_names() and not ref.endswith(".toml") and not Path(ref).exists():
        raise InputError(f"scenario {ref!r}: no such preset or file; presets are "
                         f"{', '.join(preset_names())}, files end in .toml")
    scenario = validate(_raw(ref, None, ()), source=ref)
    _check_partners(scenario, ref)
    return scenario


def _check_partners(scenario: Scenario, source: str) -> None:
    """Every partner a grant or lever names must be in the roster (and the roster readable)."""
    from .roster import load_roster

    ids = set(load_roster(scenario.roster.file, scenario.roster.exclude).ids)
    named = [(f"funding.grants[{i}].partner", g.partner) for i, g in enumerate(scenario.funding.grants)]
    named += [(f"development_pool.funders[{i}]", f) for i, f in enumerate(scenario.development_pool.funders)]
    named += [(f"more_funders.partners[{i}]", f) for i, f in enumerate(scenario.more_funders.partners)]
    for field, partner in named:
        if partner not in ids:
            raise InputError(f"scenario {source}: field {field!r} = {json.dumps(partner)}: not a partner "
                             f"in the roster; partners are {', '.join(sorted(ids))}")


def validate(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"scenario {source}: {_one_line(exc)}") from None
    except RecursionError:
        raise InputError(f"scenario {source}: nested too deeply") from None


def _one_line(exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    if not err["loc"] and err["type"] == "value_error":  # a whole-scenario check names its field
        return str(err["msg"]).removeprefix("Value error, ")
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".") \
        or "(top level)"
    value = err.get("input")
    if err["type"] == "extra_forbidden":
        return f"field {field!r} is unknown; see docs/ODD.md for the allowed fields"
    if err["type"] == "missing":
        return f"field {field!r} is required"
    msg = ALLOWED.get(err["type"], err["msg"].removeprefix("Value error, "))
    if isinstance(value, dict):
        return f"field {field!r}: {msg}"
    return f"field {field!r} = {json.dumps(value, default=str)}: {msg}"


#: What is allowed, for the errors of the strict schema whose own message does not say it.
ALLOWED = {
    "float_type": "must be a number (not a string or true/false)",
    "int_type": "must be a whole number (not a string, a fraction or true/false)",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "list_type": "must be a list",
    "finite_number": "must be a finite number (not inf or nan)",
    "model_type": "must be a table",
    "dict_type": "must be a table",
}


def to_toml(scenario: Scenario) -> str:
    """The fully resolved scenario as TOML (what ``hta-sim scenario show`` prints)."""
    import tomli_w

    return tomli_w.dumps(scenario.to_dict())


def diff(a: Scenario, b: Scenario) -> list[tuple[str, Any, Any]]:
    """(field, value in a, value in b) for every dotted field that differs, in schema order."""
    fa, fb = flatten(a.to_dict()), flatten(b.to_dict())
    return [(k, fa.get(k), fb.get(k)) for k in dict.fromkeys([*fa, *fb]) if fa.get(k) != fb.get(k)]


def summary_line(scenario: Scenario) -> str:
    """The first sentence of the description, on one line."""
    text = " ".join(scenario.description.split())
    return text.split(". ")[0].rstrip(".") + "." if text else ""


# --- small dict helpers ----------------------------------------------------------------------------


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def unflatten(changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for dotted, value in changes.items():
        node = out
        *heads, last = dotted.split(".")
        for head in heads:
            node = node.setdefault(head, {})
        node[last] = value
    return out


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out
