"""The Mesa agents: live views onto one replicate's rows of the kernel's state arrays.

Reading an attribute reads the state; writing it writes the state, so an edit made between steps
(from a notebook or the dashboard) changes what the kernel does next.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from .scenario import mix_problem
from .vocabulary import EFFORTS, RUNGS

if TYPE_CHECKING:
    from .model import AllianceModel


def _partner_field(name: str, cast: Callable[[Any], object] = float, doc: str = "") -> property:
    def get(self: PartnerAgent) -> object:
        return cast(getattr(self.model.state, name)[0, self.index])

    def put(self: PartnerAgent, value: float | bool) -> None:
        getattr(self.model.state, name)[0, self.index] = value

    return property(get, put, doc=doc)


class PartnerAgent(mesa.Agent):
    """A partner organisation (seed §1, §7), seen through its row of the state."""

    model: AllianceModel

    def __init__(self, model: AllianceModel, index: int) -> None:
        super().__init__(model)
        self.index = index
        roster = model.roster
        self.partner_id = roster.ids[index]
        self.name = roster.names[index]
        self.sector = roster.sectors[index]
        self.initiator = bool(roster.initiator[index])

    engagement = _partner_field("engagement", doc="0-1")
    rung = _partner_field("rung", int, doc="trust-ladder rung 0-7")
    alignment = _partner_field("alignment", doc="fit of the alliance's goal with the partner's own")
    money_capacity = _partner_field("money_capacity", doc="MDKK a year")
    staff_capacity = _partner_field("staff_capacity", doc="person-months a month")
    knowledge_capacity = _partner_field("knowledge_capacity", doc="0-1")
    active = _partner_field("active", bool, doc="has joined the alliance")
    board = _partner_field("board", bool, doc="sits on the board after the association")
    ab = _partner_field("ab", bool, doc="sits on the advisory board after the association")
    money_given = _partner_field("money_given", doc="MDKK this month")
    staff_given = _partner_field("staff_given", doc="person-months this month")
    knowledge_given = _partner_field("knowledge_given", doc="0-1 this month")

    @property
    def rung_name(self) -> str:
        return RUNGS[self.rung]

    @property
    def body(self) -> str:
        return "both" if self.board and self.ab else ("board" if self.board else "ab")


class SecretariatAgent(mesa.Agent):
    """The backbone secretariat (seed §1, §4): its funded staff and its tactical mix."""

    model: AllianceModel

    @property
    def staff(self) -> float:
        return float(self.model.state.secretariat_staff[0])

    @property
    def mix(self) -> dict[str, float]:
        return dict(zip(EFFORTS, self.model.state.mix[0].tolist(), strict=True))

    @mix.setter
    def mix(self, shares: dict[str, float]) -> None:
        """Set this month's mix (kept only under the fixed policy's parameters for next months)."""
        values = np.array([shares[e] for e in EFFORTS], dtype=float)
        problem = mix_problem(values.tolist())
        if problem:
            raise ValueError(problem)
        self.model.state.mix[0] = values
        self.model.params.secretariat.mix[0] = values
