"""Scenarios as data: the TOML schema, loading with validation, presets and overlays (extends).

A scenario file states parameters by section. A file may say ``extends = "baseline"`` (a preset name or
a path relative to the file) and then state only what differs. Validation is strict: unknown keys,
wrong types, out-of-range values and tactical mixes that do not sum to 1 are refused with one line
naming the field, the value and what is allowed.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .calendar import parse_month
from .errors import InputError
from .vocabulary import EFFORTS

Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="a month, YYYY-MM")]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Rate = Annotated[float, Field(ge=0.0, le=1.0)]
Positive = Annotated[float, Field(ge=0.0)]


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
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    start: Month = "2016-01"
    end: Month = "2027-12"
    association: Month = "2017-08"
    pulse_dates: list[Month] = ["2018-10", "2020-10", "2022-10", "2024-10", "2026-10"]

    @model_validator(mode="after")
    def _ordered(self) -> Time:
        if parse_month(self.end) < parse_month(self.start):
            raise ValueError(f"end {self.end} comes before start {self.start}")
        return self


class Roster(Section):
    file: str | None = Field(None, description="a roster TOML; none means the seed's organisations")
    exclude: list[str] = []


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


class Engagement(Section):
    base: Share = 0.50
    response: Rate = 0.12
    noise_sd: Annotated[float, Field(ge=0.0, le=0.5)] = 0.02
    initial_spread: Annotated[float, Field(ge=0.0, le=0.5)] = 0.05


class Establishment(Section):
    build_rate: Annotated[float, Field(ge=0.0, le=2.0)] = 0.12


class ResultsLag(Section):
    weight: Share = 0.25
    build_credit: Positive = 20.0
    expectation: Positive = 0.6
    expectation_rate: Rate = 0.08
    patience_months: Annotated[float, Field(ge=1.0, le=600.0)] = 48.0
    perception_rate: Rate = 0.25
    scale: Annotated[float, Field(gt=0.0)] = 1.0


class TrustLadder(Section):
    climb_base: Share = 0.50
    climb_step: Annotated[float, Field(ge=0.0, le=0.2)] = 0.04
    fall_margin: Share = 0.20
    climb_probability: Rate = 0.10
    fall_probability: Rate = 0.10
    memory_months: Annotated[float, Field(ge=1.0, le=60.0)] = 6.0
    success_level: Positive = 0.3
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


class Phased(Section):
    building: Mix = Mix(strategy=0.45, local_alliances=0.15, data_collection=0.10, campaign=0.10,
                        public_affairs=0.10, fundraising=0.10)
    piloting: Mix = Mix(strategy=0.15, local_alliances=0.30, data_collection=0.20, campaign=0.15,
                        public_affairs=0.10, fundraising=0.10)
    scaling: Mix = Mix(strategy=0.10, local_alliances=0.30, data_collection=0.20, campaign=0.15,
                       public_affairs=0.15, fundraising=0.10)


class Secretariat(Section):
    staff: Annotated[float, Field(ge=0.0, le=50.0)] = 3.0
    policy: Literal["fixed", "phased", "adaptive"] = "fixed"
    mix: Mix = Mix()
    phased: Phased = Phased()
    adaptive_shift: Share = 0.10
    funding_ends: Month | None = None


class Initiatives(Section):
    enabled: bool = True
    slots: Annotated[int, Field(ge=1, le=256)] = 32
    idea_rate_secretariat: Positive = 0.10
    idea_rate_partner: Positive = 0.05
    launch_rate: Rate = 0.15
    staff_need: Annotated[float, Field(gt=0.0)] = 1.5
    money_need: Annotated[float, Field(gt=0.0)] = 0.05
    pilot_months: Annotated[float, Field(ge=1.0, le=120.0)] = 12.0
    running_months: Annotated[float, Field(ge=1.0, le=240.0)] = 24.0
    scale_rate: Rate = 0.05
    homes_pilot: Positive = 0.15
    homes_running: Positive = 0.8
    homes_scaled: Positive = 4.0
    size_spread: Annotated[float, Field(ge=0.0, lt=1.0)] = 0.5
    milestone_units: Positive = 1.0
    home_units: Positive = 0.1
    communication_base: Rate = 0.02
    communication_per_fte: Rate = 0.10


class Grant(Section):
    partner: str
    purpose: Literal["secretariat", "initiatives"]
    mdkk_per_year: Annotated[float, Field(ge=0.0, le=1000.0)]
    start: Month
    end: Month | None = None


class Funding(Section):
    grants: list[Grant] = [
        Grant(partner="bikubenfonden", purpose="secretariat", mdkk_per_year=3.5, start="2016-01"),
        Grant(partner="bikubenfonden", purpose="initiatives", mdkk_per_year=2.0, start="2016-01"),
    ]
    secretariat_cost_mdkk_per_fte_year: Annotated[float, Field(gt=0.0)] = 1.1
    fundraising_mdkk_per_fte_month: Positive = 0.1


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


# --- levers (seed §9: the evaluation's recommendations) ------------------------------------------


class DevelopmentPool(Section):
    """A small development pool, run by the alliance, inviting proposals (seed §9)."""

    enabled: bool = False
    funders: Annotated[list[str], Field(min_length=1)] = ["bikubenfonden"]
    mdkk_per_year: Annotated[float, Field(ge=0.0, le=100.0)] = 2.0
    start: Month = "2019-01"
    end: Month | None = None
    proposer_rung: Annotated[int, Field(ge=0, le=7)] = 4
    selection: Literal["keenest", "lottery"] = "keenest"
    grant_mdkk: Annotated[float, Field(gt=0.0, le=100.0)] = 0.5


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
    partners: Annotated[list[str], Field(min_length=1)] = ["realdania", "helsefonden", "villum"]
    share: Share = 0.5
    mdkk_per_year: Annotated[float, Field(ge=0.0, le=100.0)] = 0.0


class Scenario(Section):
    """A whole scenario: what the alliance is, which mechanisms act, and how strongly."""

    name: str = "defaults"  # the schema's own defaults; the calibrated alliance is the "baseline" preset
    description: str = ""
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
    secretariat: Secretariat = Secretariat()
    initiatives: Initiatives = Initiatives()
    funding: Funding = Funding()
    world: World = World()
    development_pool: DevelopmentPool = DevelopmentPool()
    advisory_board: AdvisoryBoard = AdvisoryBoard()
    board_ownership: BoardOwnership = BoardOwnership()
    results_communication: ResultsCommunication = ResultsCommunication()
    new_partners: NewPartners = NewPartners()
    more_funders: MoreFunders = MoreFunders()

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("a scenario needs a non-empty name")
        return v

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)

    def digest(self) -> str:
        """A stable hash of the resolved scenario, for provenance."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def with_changes(self, changes: dict[str, Any]) -> Scenario:
        """A copy with dotted-path overrides, validated: {'mechanisms.stake': False}."""
        return validate(deep_merge(self.to_dict(), unflatten(changes)), source="overrides")


# --- loading -------------------------------------------------------------------------------------


def preset_names() -> list[str]:
    return sorted(p.name[:-5] for p in resources.files("hta_sim.presets").iterdir()
                  if p.name.endswith(".toml"))


def _read_toml(path: Path | None, text: str | None, label: str) -> dict[str, Any]:
    try:
        raw = text if text is not None else path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    except FileNotFoundError:
        raise InputError(f"scenario {label}: file not found; give a preset name "
                         f"({', '.join(preset_names())}) or a readable .toml path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"scenario {label}: cannot be read ({exc.__class__.__name__})") from None
    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"scenario {label}: not valid TOML ({exc})") from None


def _raw(ref: str, base_dir: Path | None, seen: tuple[str, ...]) -> dict[str, Any]:
    """The merged raw table of a preset name or path, following 'extends'."""
    if ref in preset_names():
        label, data = f"preset {ref!r}", _read_toml(
            None, resources.files("hta_sim.presets").joinpath(f"{ref}.toml").read_text("utf-8"), ref)
        here = None
    else:
        path = Path(ref) if base_dir is None or Path(ref).is_absolute() else base_dir / ref
        label, data, here = str(path), _read_toml(path, None, str(path)), path.parent
    if label in seen:
        raise InputError(f"scenario {label}: field 'extends' forms a cycle ({' -> '.join(seen)})")
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise InputError(f"scenario {label}: field 'extends' = {parent!r}: must be a preset name or path")
    return deep_merge(_raw(parent, here, (*seen, label)), data)


def load(ref: str | Path | Scenario) -> Scenario:
    """A Scenario from a preset name, a TOML path, or a Scenario (returned as is)."""
    if isinstance(ref, Scenario):
        return ref
    ref = str(ref)
    if ref not in preset_names() and not ref.endswith(".toml") and not Path(ref).exists():
        raise InputError(f"scenario {ref!r}: no such preset or file; presets are "
                         f"{', '.join(preset_names())}, files end in .toml")
    return validate(_raw(ref, None, ()), source=ref)


def validate(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"scenario {source}: {_one_line(exc)}") from None


def _one_line(exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    field = ".".join(str(p) for p in err["loc"]) or "(top level)"
    value = err.get("input")
    if err["type"] == "extra_forbidden":
        return f"field {field!r} is unknown; see docs/ODD.md for the allowed fields"
    if err["type"] == "missing":
        return f"field {field!r} is required"
    shown = json.dumps(value, default=str) if not isinstance(value, dict) else "{...}"
    msg = err["msg"].removeprefix("Value error, ")
    return f"field {field!r} = {shown}: {msg}"


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
