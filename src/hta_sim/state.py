"""The model's state as arrays over (replicate, partner) and (replicate, initiative slot).

Both engines hold exactly this: the Mesa model is a batch of one replicate whose agents read and write
rows of these arrays, the vectorised engine a batch of many.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from .arrays import Array, Codes, Mask
from .roster import Roster
from .vocabulary import EFFORTS, MUNICIPALITIES, PULSE_PARAMETERS


@dataclass
class State:
    # partners (R, P)
    active: Mask  # has joined the alliance
    board: Mask  # sits on the board once the association exists
    ab: Mask  # sits on the advisory board once the association exists
    municipality_mask: Mask  # a municipality, holding the legal authority to test
    initiator_mask: Mask  # an initiator, in the steering group from the start
    candidate_mask: Mask  # a pilot municipality that may join (new_partners lever)
    pool_mask: Mask  # a synthetic candidate organisation that may join (recruitment)
    left: Mask  # has left the alliance (on its own, or the AB dissolved with members leaving)
    engagement: Array  # 0-1
    rung: Codes  # 0-7, the trust ladder
    alignment: Array  # 0-1, fit between the alliance's goal and the partner's own
    money_capacity: Array  # MDKK a year
    staff_capacity: Array  # person-months a month
    knowledge_capacity: Array  # 0-1
    perceived: Array  # perceived progress, result units a month (smoothed)
    expectation: Array  # progress the partner expects by now, result units a month
    sustained: Array  # engagement smoothed over the ladder's memory
    invested: Array  # share of capacity put in, smoothed over the stake's memory
    closeness: Array  # 0-1, closeness to the secretariat
    meetings: Array  # meetings a month of the partner's bodies
    staff_given: Array  # person-months this month
    money_given: Array  # MDKK this month, founder grants included
    cofinance_given: Array  # MDKK this month from co-financing alone (no grants)
    knowledge_given: Array  # 0-1 this month
    led_results: Array  # running or scaled initiatives the partner leads
    partner_cell: Codes  # the world municipality a municipal partner is (MUNICIPALITIES), else -1
    fatigue: Array  # 0-1, wear from meetings and unmet asks, smoothed (mechanisms.fatigue)
    below: Codes  # months in a row engagement has been below the exit threshold
    joined: Codes  # the step the partner joined, -1 before it has
    # alliance (R,)
    build: Array  # 0-1, how far the alliance has built itself (agenda, strategy, organisation)
    build_gain: Array  # build added this month
    barrier: Array  # 0-1, regulatory barriers to new solutions
    unshown: Array  # results produced but not yet communicated, result units
    visible: Array  # cumulative visible results, result units
    visible_flow: Array  # visible results added this month
    homes: Array  # cumulative young people housed through the alliance's solutions (whole)
    housed_by: Codes  # (R, types) cumulative young people housed, by solution type (SOLUTIONS)
    solution_cost: Array  # cumulative MDKK the solutions' places have cost
    pool_budget: Array  # MDKK in the development pool, not yet granted
    dominance: Array  # 0-1, the largest funder's share of this month's money
    secretariat_staff: Array  # FTE the secretariat can pay for this month
    phase: Codes  # index into PHASES
    coordination: Array  # 0-1, the network's meetings and contact the secretariat keeps going
    ab_meets: Mask  # the AB still meets (it may be dissolved, or fade)
    ab_revived: Mask  # the board has revitalised the AB (board_response)
    ab_faded: Mask  # the board has let the AB fade (board_response)
    clipped: Array  # share of active partners whose engagement target is clipped at 1 this month
    rung_falls: Codes  # cumulative: rungs fallen, over all partners
    departures: Codes  # cumulative: partners who left
    joins: Codes  # cumulative: candidate organisations who joined
    key_changes: Codes  # cumulative: key people who left their partner organisation
    mix: Array  # (R, 6) shares of the secretariat's capacity
    scores: Array  # (R, 2, 8) the latest pulse, board and AB (NaN before the first)
    # initiatives (R, K)
    stage: Codes  # index into STAGES
    progress: Array  # months of adequately resourced work in the current stage
    solution: Codes  # the solution type it is an instance of (SOLUTIONS)
    site: Codes  # the municipality it runs in (MUNICIPALITIES)
    units: Array  # units recruited: dormitories, hosts or support workers
    places: Codes  # whole places of the units recruited (solutions.recruit)
    lead: Codes  # the leading partner, or -1 for the secretariat
    pooled: Mask  # funded by the development pool
    # the world (R, youth state, municipality, band): whole young people
    youth: Codes  # homeless in new and long spells, and housed by the alliance (YOUTH_STATES)
    youth_flows: Codes  # (R, flow, municipality, band) this month's flows (world.FLOWS)
    census: Codes  # (R, count, municipality, band) homeless at each national count (week 6)
    flats: Codes  # (R, municipality) the stock of cheap youth flats
    flats_free: Codes  # (R, municipality) this month's vacancies left to the alliance
    flats_let: Codes  # (R,) cumulative cheap flats let to young people through the solutions
    adopters: Codes  # (R, types, municipality) municipalities that run each type on their own
    municipal_places: Codes  # (R, types, municipality) the adopters' own places
    funded_adopters: Codes  # (R, types, municipality) adopters whose start-up funding still runs

    def copy(self) -> State:
        return State(**{f.name: getattr(self, f.name).copy() for f in fields(self)})


def initial_state(roster: Roster, replicates: int, slots: int, mix: Array, youth: Codes,
                  flows: int, counts: int, flats: Codes, types: int) -> State:
    """Everyone inactive and at zero; the kernel's month 0 brings the initiators in.

    The world starts from ``youth`` (R, states, municipalities, bands) and ``flats`` (R,
    municipalities), with ``flows`` kinds of flow recorded each month, ``counts`` national counts
    in the run and ``types`` solution types.
    """

    R, P, K = replicates, roster.size, slots
    zeros_p = np.zeros((R, P))
    zeros_r = np.zeros(R)

    def tile(values: Array) -> Array:
        return np.tile(values.astype(float), (R, 1))

    return State(
        active=np.zeros((R, P), dtype=bool),
        board=np.tile(roster.board, (R, 1)),
        ab=np.tile(roster.ab, (R, 1)),
        municipality_mask=np.tile(roster.municipality, (R, 1)),
        initiator_mask=np.tile(roster.initiator, (R, 1)),
        candidate_mask=np.tile(roster.candidate, (R, 1)),
        pool_mask=np.tile(roster.pool, (R, 1)),
        left=np.zeros((R, P), dtype=bool),
        engagement=zeros_p.copy(),
        rung=np.zeros((R, P), dtype=np.int64),
        alignment=tile(roster.alignment),
        money_capacity=tile(roster.money),
        staff_capacity=tile(roster.staff),
        knowledge_capacity=tile(roster.knowledge),
        perceived=zeros_p.copy(),
        expectation=zeros_p.copy(),
        sustained=zeros_p.copy(),
        invested=zeros_p.copy(),
        closeness=zeros_p.copy(),
        meetings=zeros_p.copy(),
        staff_given=zeros_p.copy(),
        money_given=zeros_p.copy(),
        cofinance_given=zeros_p.copy(),
        knowledge_given=zeros_p.copy(),
        led_results=zeros_p.copy(),
        partner_cell=np.tile(_partner_cells(roster), (R, 1)),
        fatigue=zeros_p.copy(),
        below=np.zeros((R, P), dtype=np.int64),
        joined=np.full((R, P), -1, dtype=np.int64),
        build=zeros_r.copy(),
        build_gain=zeros_r.copy(),
        barrier=zeros_r.copy(),
        unshown=zeros_r.copy(),
        visible=zeros_r.copy(),
        visible_flow=zeros_r.copy(),
        homes=zeros_r.copy(),
        housed_by=np.zeros((R, types), dtype=np.int64),
        solution_cost=zeros_r.copy(),
        pool_budget=zeros_r.copy(),
        dominance=zeros_r.copy(),
        secretariat_staff=zeros_r.copy(),
        phase=np.zeros(R, dtype=np.int64),
        coordination=np.ones(R),
        ab_meets=np.zeros(R, dtype=bool),
        ab_revived=np.zeros(R, dtype=bool),
        ab_faded=np.zeros(R, dtype=bool),
        clipped=zeros_r.copy(),
        rung_falls=np.zeros(R, dtype=np.int64),
        departures=np.zeros(R, dtype=np.int64),
        joins=np.zeros(R, dtype=np.int64),
        key_changes=np.zeros(R, dtype=np.int64),
        mix=np.array(mix, dtype=float).reshape(R, len(EFFORTS)).copy(),
        scores=np.full((R, 2, len(PULSE_PARAMETERS)), np.nan),
        stage=np.zeros((R, K), dtype=np.int64),
        progress=np.zeros((R, K)),
        solution=np.zeros((R, K), dtype=np.int64),
        site=np.zeros((R, K), dtype=np.int64),
        units=np.zeros((R, K)),
        places=np.zeros((R, K), dtype=np.int64),
        lead=np.full((R, K), -1, dtype=np.int64),
        pooled=np.zeros((R, K), dtype=bool),
        youth=youth.copy(),
        youth_flows=np.zeros((R, flows, *youth.shape[2:]), dtype=np.int64),
        census=np.zeros((R, counts, *youth.shape[2:]), dtype=np.int64),
        flats=flats.copy(),
        flats_free=np.zeros_like(flats),
        flats_let=np.zeros(R, dtype=np.int64),
        adopters=np.zeros((R, types, flats.shape[1]), dtype=np.int64),
        municipal_places=np.zeros((R, types, flats.shape[1]), dtype=np.int64),
        funded_adopters=np.zeros((R, types, flats.shape[1]), dtype=np.int64),
    )


def _partner_cells(roster: Roster) -> Codes:
    """(P,) each partner's world municipality: a named one by its id; a pilot municipality (the
    new_partners lever's candidates) one of the grouped rest; -1 for any other partner."""
    cells = np.full(roster.size, -1, dtype=np.int64)
    for k, pid in enumerate(roster.ids):
        if roster.municipality[k] and pid in MUNICIPALITIES:
            cells[k] = MUNICIPALITIES.index(pid)
        elif roster.candidate[k]:
            cells[k] = MUNICIPALITIES.index("rest")
    return cells
