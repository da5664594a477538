"""The partner organisations: the seed's roster (data/roster.toml) or a user's own.

A roster is a list of partners, each with a sector, a role before the association (initiator, i.e.
steering group, or a later joiner) and after it (board, AB or both), and resource capacities taken
from its sector's profile (seed §7) unless the partner overrides them.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .arrays import Array, Codes, Mask
from .errors import InputError, read_text
from .vocabulary import Sector

Share = Annotated[float, Field(ge=0.0, le=1.0)]
Money = Annotated[float, Field(ge=0.0, le=10_000.0)]  # MDKK a year
Staff = Annotated[float, Field(ge=0.0, le=10_000.0)]  # person-months a month
MAX_PARTNERS = 10_000
#: A roster is a user's file: strict types (no "0.5" for 0.5), finite numbers, no unknown keys.
STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class SectorProfile(BaseModel):
    model_config = STRICT
    money: Money
    staff: Staff
    knowledge: Share
    alignment: Share


class PartnerEntry(BaseModel):
    model_config = STRICT
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    name: str
    sector: Sector
    initiator: bool
    body: Literal["board", "ab", "both", "none"]
    slot: Annotated[int, Field(ge=0, le=100_000)]
    money: Money | None = None
    staff: Staff | None = None
    knowledge: Share | None = None
    alignment: Share | None = None


class RosterFile(BaseModel):
    model_config = STRICT
    sectors: dict[Sector, SectorProfile]
    partners: Annotated[list[PartnerEntry], Field(max_length=MAX_PARTNERS)]

    @model_validator(mode="after")
    def _unique(self) -> RosterFile:
        for attr in ("id", "slot"):
            values = [getattr(p, attr) for p in self.partners]
            dup = {v for v in values if values.count(v) > 1}
            if dup:
                raise ValueError(f"partner {attr}s must be unique; repeated: {sorted(dup)}")
        missing = {p.sector for p in self.partners} - set(self.sectors)
        if missing:
            raise ValueError(f"sectors without a profile: {sorted(missing)}")
        return self


@dataclass(frozen=True)
class Roster:
    """Arrays over partners (length P), in roster order."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    sectors: tuple[str, ...]
    slots: Codes  # stable keys for random streams
    initiator: Mask  # in the steering group from the start
    board: Mask  # on the board after the association
    ab: Mask  # on the advisory board after the association
    money: Array  # MDKK a year the partner could put into joint initiatives
    staff: Array  # person-months a month the partner could lend
    knowledge: Array  # 0-1
    alignment: Array  # 0-1: how well the alliance's goal fits the partner's own goals
    municipality: Mask  # holds the legal authority to test and anchor solutions
    candidate: Mask  # a pilot municipality that may join later (new_partners lever)
    pool: Mask  # a synthetic candidate organisation that may join later (recruitment)

    @property
    def size(self) -> int:
        return len(self.ids)

    def index(self, partner_id: str) -> int:
        try:
            return self.ids.index(partner_id)
        except ValueError:
            raise InputError(f"partner {partner_id!r} is not in the roster; partners are "
                             f"{', '.join(self.ids)}") from None


#: Slots of the pilot municipalities follow the named partners'; the candidate pool's follow these.
MAX_PILOTS = 100


def load_roster(path: str | Path | None = None, exclude: list[str] | tuple[str, ...] = (),
                candidates: int = 0, pool_sectors: Sequence[str] = (), pool: int = 0) -> Roster:
    """The seed's roster, or a user's roster TOML; minus the partners named in ``exclude``.

    ``candidates`` pilot municipalities are appended (after every named partner, on new slots):
    they sit on no body and join only through the new_partners lever. Then ``pool`` synthetic
    candidate organisations (recruitment), their sectors ``pool_sectors`` in turn: each would join
    the AB, with its sector's resource profile; its slot is fixed by its place in the pool, pilots
    or not. Sectors the roster has no profile for are skipped.
    """
    data = _read(path)
    unknown = sorted(set(exclude) - {p.id for p in data.partners})
    if unknown:
        raise InputError(f"scenario field 'roster.exclude' = {unknown}: not in the roster")
    kept = [p for p in data.partners if p.id not in set(exclude)]
    if not kept:
        raise InputError("scenario field 'roster.exclude': at least one partner must remain")
    if candidates and "municipality" not in data.sectors:
        raise InputError("scenario field 'new_partners.count': the roster has no municipality profile")
    first = max(p.slot for p in data.partners) + 1
    pilots = [PartnerEntry(id=f"pilot_municipality_{k + 1}", name=f"Pilot municipality {k + 1}",
                           sector="municipality", initiator=False, body="none", slot=first + k)
              for k in range(candidates)]
    profiled = [sector for sector in pool_sectors if sector in data.sectors]
    if pool and not profiled:
        raise InputError(f"scenario field 'recruitment.sectors' = {sorted(set(pool_sectors))}: the roster "
                         f"profiles none of them; profiles: {', '.join(sorted(data.sectors))}")
    after = first + MAX_PILOTS
    synthetic = [PartnerEntry(id=f"candidate_{k + 1}", name=f"Candidate {k + 1} ({sector})",
                              sector=sector, initiator=False, body="ab", slot=after + k)  # type: ignore[arg-type]
                 for k, sector in enumerate(_cycle(profiled, pool))]
    roster = _arrays(kept + pilots + synthetic, data.sectors, len(kept))
    is_pool = np.arange(roster.size) >= len(kept) + len(pilots)
    return dataclasses.replace(roster, candidate=roster.candidate & ~is_pool, pool=is_pool)


def _cycle(sectors: Sequence[str], n: int) -> list[str]:
    return [sectors[k % len(sectors)] for k in range(n)] if sectors else []


def _read(path: str | Path | None) -> RosterFile:
    """The roster file, validated; any problem is one line naming the file (and row, partners[i])."""
    label = f"roster {path}" if path else "roster (the seed's)"
    text = (read_text(Path(path), label, "a .toml file") if path
            else resources.files("hta_sim.data").joinpath("roster.toml").read_text("utf-8"))
    try:
        return RosterFile.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{label}: not valid TOML ({exc})") from None
    except RecursionError:
        raise InputError(f"{label}: not valid TOML (nested too deeply)") from None
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".")
        shown = "{...}" if isinstance(err.get("input"), dict) else json.dumps(err.get("input"), default=str)
        raise InputError(f"{label}: field {field!r} = {shown}: "
                         f"{err['msg'].removeprefix('Value error, ')}") from None


def _arrays(partners: list[PartnerEntry], sectors: Mapping[Sector, SectorProfile], named: int) -> Roster:
    def resource(attr: str) -> Array:
        values = [getattr(p, attr) if getattr(p, attr) is not None else getattr(sectors[p.sector], attr)
                  for p in partners]
        return np.array(values, dtype=float)

    return Roster(
        ids=tuple(p.id for p in partners),
        names=tuple(p.name for p in partners),
        sectors=tuple(p.sector for p in partners),
        slots=np.array([p.slot for p in partners], dtype=np.int64),
        initiator=np.array([p.initiator for p in partners]),
        board=np.array([p.body in ("board", "both") for p in partners]),
        ab=np.array([p.body in ("ab", "both") for p in partners]),
        money=resource("money"),
        staff=resource("staff"),
        knowledge=resource("knowledge"),
        alignment=resource("alignment"),
        municipality=np.array([p.sector == "municipality" for p in partners]),
        candidate=np.arange(len(partners)) >= named,
        pool=np.zeros(len(partners), dtype=bool),
    )
