"""Random streams: one numpy Generator per replicate, derived from one seed through SeedSequence.

Replicate r of seed s always draws from ``SeedSequence(s, spawn_key=(r,))``, whatever the batch it
runs in, so a replicate gives the same numbers alone, in any batch, chunk or worker. Each replicate's
whole run is drawn up front in one fixed-size call; within it, blocks are laid out, from the purpose
tuples below, so that common random numbers survive changes that should not touch them:

* alliance-wide draws (idea arrivals) and initiative-slot draws come first, in a block whose size
  depends only on the horizon and the number of slots;
* partner draws follow, one block per partner *slot* (a fixed key from the roster), so adding or
  removing a partner leaves every other partner's draws as they were.

Levers that choose by lottery draw from a second stream per replicate, so that switching one on
never shifts the model's draws. The world of young people draws from a fourth (``WorldStream``), a
year of months at a time, so that its many cells never need an up-front block.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import ndtri

from . import _accel

ALLIANCE_PURPOSES = ("idea", "kind")  # per month: an idea arrives; its solution type and site
SLOT_PURPOSES = ("launch", "transition")  # per initiative slot, per month
PARTNER_PURPOSES = ("engagement", "ladder", "lead")  # per partner, per month
INITIAL_PURPOSES = ("engagement0",)  # per partner, once
LEVER_PURPOSES = ("pool_pick", "takeover")  # the lever stream: per month, per slot per month
NORMAL = frozenset({"engagement", "engagement0"})  # standard normal; every other draw is uniform (0, 1)
MONTHLY = (*ALLIANCE_PURPOSES, *SLOT_PURPOSES, *PARTNER_PURPOSES, *LEVER_PURPOSES)
PURPOSES = (*ALLIANCE_PURPOSES, *SLOT_PURPOSES, *PARTNER_PURPOSES, *INITIAL_PURPOSES)  # stream 0's
#: The world's draws each month, one per purpose for every municipality and age band.
WORLD_PURPOSES = ("inflow", "exit_new", "age_new", "to_long", "exit_long", "age_long", "returns",
                  "age_housed")
#: The draws of the alliance's solutions in the world, each month from the alliance's start, per
#: municipality and age band (flats and adoption: per municipality, from the first band's cell).
SOLUTION_PURPOSES = ("leave_dormitory", "leave_host_home", "leave_housing_first", "age_dormitory",
                     "age_host_home", "age_housing_first", "fill_dormitory", "fill_host_home",
                     "fill_housing_first", "vacancies", "ordinary", "widened", "adopt_dormitory",
                     "adopt_host_home", "adopt_housing_first", "stop_dormitory", "stop_host_home",
                     "stop_housing_first", "expire_dormitory", "expire_host_home",
                     "expire_housing_first")
#: The draws of partners' lives each alliance month, per partner (in roster order): a key person
#: leaves, the fit of the one who follows, a candidate organisation joins.
LIFE_PURPOSES = ("turnover", "alignment", "join")
WORLD_STREAM = 3  # the replicate's stream for the world (0: the model, 1: levers, 2: Mesa's own)
SOLUTION_STREAM = 4  # the stream of the solutions' draws, so that the world's stay as they were
LIFE_STREAM = 5  # partners' lives: a stream of its own, so that every other draw stays as it was
OPEN = 2.0**-54  # added to every uniform, so that it lies in (0, 1) and the normal quantile is finite
GROUP = 16  # replicates laid out together: amortises the per-call cost, keeps the buffer cache-sized

Array = npt.NDArray[np.float64]
Index = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Draws:
    """The random numbers of a batch (time on axis 1), or of one month (``at``: no time axis).

    ``rows``, when set, maps each row of the batch to the row of the draws it reads: rows that share
    a few replicates' draws (common random numbers) without holding a (rows, months, partners) copy.
    It applies to the per-month draws; ``engagement0`` is stored already gathered.
    """

    idea: Array  # (R, T)
    kind: Array  # (R, T)
    launch: Array  # (R, T, K)
    transition: Array  # (R, T, K)
    engagement: Array  # (R, T, P) standard normal
    ladder: Array  # (R, T, P)
    lead: Array  # (R, T, P)
    engagement0: Array  # (R, P) standard normal
    pool_pick: Array | None = None  # (R, T), only when a lever that needs it is on
    takeover: Array | None = None  # (R, T, K), only when a lever that needs it is on
    rows: Index | None = None
    world: WorldStream | None = None  # the world's draws, month by month
    solutions: WorldStream | None = None  # the solutions' draws in the world, month by month
    lives: WorldStream | None = None  # partners' lives (LIFE_PURPOSES), month by month

    def at(self, t: int) -> Draws:
        """The draws of month t: the per-month arrays lose their time axis; rows are gathered."""
        return Draws(**{name: _month(getattr(self, name), t, self.rows) for name in MONTHLY},  # type: ignore[arg-type]
                     engagement0=self.engagement0, world=self.world, solutions=self.solutions,
                     lives=self.lives)

    def shared(self, rows: Index) -> Draws:
        """Rows that read these draws' rows ``rows[i]``: the same numbers as drawing those replicates."""
        world = None if self.world is None else self.world.shared(rows)
        solutions = None if self.solutions is None else self.solutions.shared(rows)
        lives = None if self.lives is None else self.lives.shared(rows)
        return dataclasses.replace(self, engagement0=np.take(self.engagement0, rows, axis=0), rows=rows,
                                   world=world, solutions=solutions, lives=lives)


@dataclass(frozen=True)
class WorldStream:
    """The world's uniforms: for each replicate, one Philox stream per year of world months.

    A year's block is drawn whole when its first month is asked for, so memory holds one year, not
    the run. Blocks are keyed by the year's number (Philox's counter), so any month can be asked for
    in any order and gives the same numbers. ``rows`` gathers replicates as ``Draws.rows`` does.
    """

    keys: npt.NDArray[np.uint64]  # (R, 2) each replicate's Philox key
    cells: int  # municipalities x age bands
    rows: Index | None = None
    purposes: int = len(WORLD_PURPOSES)
    _cache: dict[int, Array] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, seed: int, replicates: Index, cells: int, stream: int = WORLD_STREAM,
           purposes: int = len(WORLD_PURPOSES)) -> WorldStream:
        keys = np.array([np.random.SeedSequence(seed, spawn_key=(int(r), stream))
                         .generate_state(2, np.uint64) for r in replicates], dtype=np.uint64)
        return cls(keys=keys.reshape(len(replicates), 2), cells=cells, purposes=purposes)

    def shared(self, rows: Index) -> WorldStream:
        return WorldStream(keys=self.keys, cells=self.cells, rows=rows, purposes=self.purposes)

    def month(self, w: int) -> Array:
        """(R, purposes, cells) uniforms for world month ``w`` (months from the world's start)."""
        year, month = divmod(w, 12)
        if year not in self._cache:
            self._cache.clear()
            self._cache[year] = self._year(year)
        block = self._cache[year][:, month]
        return block if self.rows is None else np.take(block, self.rows, axis=0)

    def _year(self, year: int) -> Array:
        """Each replicate's Philox at counter (0, 0, year, 0), as ``Generator.random`` draws them.

        The raw 64-bit draws become doubles as numpy's ``random`` makes them: (x >> 11) * 2**-53.
        Wide batches draw in one compiled pass over all replicates (``_accel.philox``, the same
        bits), into memory laid out month and purpose first, so that a month's purpose is one
        contiguous (R, cells) block for the samplers; otherwise one numpy bit generator is re-keyed
        per replicate (a tenth of the cost of building one). Either way (R, 12, purposes, cells).
        """
        R, P = len(self.keys), self.purposes
        counter = np.array([0, 0, year, 0], dtype=np.uint64)
        if _accel.use(R):
            block = np.empty((12 * P, R, self.cells))
            _accel.philox()(self.keys, counter[2], OPEN, block.transpose(1, 0, 2))
            return block.reshape(12, P, R, self.cells).transpose(2, 0, 1, 3)
        n = 12 * P * self.cells
        raw = np.empty((R, n), dtype=np.uint64)
        philox = np.random.Philox(0)
        state = philox.state
        state["state"]["counter"] = counter
        for r, key in enumerate(self.keys):
            state["state"]["key"] = key
            philox.state = state
            raw[r] = philox.random_raw(n)
        u: Array = ((raw >> np.uint64(11)) * (1.0 / 9007199254740992.0)).astype(np.float64) + OPEN
        return u.reshape(R, 12, P, self.cells)


def _month(draws: Array | None, t: int, rows: Index | None) -> Array | None:
    if draws is None:
        return None
    return draws[:, t] if rows is None else np.take(draws[:, t], rows, axis=0)


def replicate_generator(seed: int, replicate: int, stream: int = 0) -> np.random.Generator:
    """Stream 0 drives the model; stream 1 the levers, so a lever never shifts the model's draws."""
    return np.random.Generator(np.random.Philox(_seed_sequence(seed, replicate, stream)))


def _seed_sequence(seed: int, replicate: int, stream: int) -> np.random.SeedSequence:
    key = (replicate,) if stream == 0 else (replicate, stream)
    return np.random.SeedSequence(seed, spawn_key=key)


def philox_keys(seed: int, replicates: Index, stream: int = 0) -> npt.NDArray[np.uint64]:
    """(R, 2) the Philox keys of ``replicate_generator``'s streams: what ``Philox(SeedSequence)``
    keys itself with (its counter starts at zero)."""
    keys = [_seed_sequence(seed, int(r), stream).generate_state(2, np.uint64) for r in replicates]
    return np.array(keys, dtype=np.uint64).reshape(len(replicates), 2)


def _compiled(keys: npt.NDArray[np.uint64], runs: Index, dests: list[Array]) -> None:
    """The runs of each replicate's stream written straight into ``dests`` (``_accel.philox_runs``):
    ``Generator.random``'s doubles plus OPEN, as the numpy path makes them."""
    rows = tuple(np.reshape(a, (len(keys), -1), copy=False) for a in dests)  # views: written in place
    _accel.philox_runs()(keys, np.uint64(0), OPEN, runs, rows)


@dataclass(frozen=True)
class _Blocks:
    """Where each purpose's numbers lie in one replicate's draw (``layout`` of the stream)."""

    steps: int
    slots: int
    partner_slots: Index

    @property
    def alliance(self) -> int:
        return self.steps * len(ALLIANCE_PURPOSES)

    @property
    def head(self) -> int:
        return self.alliance + self.steps * self.slots * len(SLOT_PURPOSES)

    @property
    def per_partner(self) -> int:
        return self.steps * len(PARTNER_PURPOSES) + len(INITIAL_PURPOSES)

    @property
    def total(self) -> int:
        return self.head + self.per_partner * (int(self.partner_slots.max(initial=-1)) + 1)

    def empty(self, replicates: int, reuse: Draws | None) -> dict[str, Array]:
        """Arrays for each purpose: the first rows of ``reuse``'s where they fit, else new ones.

        Writing into memory already touched is what makes reuse pay: the first touch of a fresh
        array (the kernel's page faults) costs about ten times the copy itself.
        """
        R, T, K, P = replicates, self.steps, self.slots, len(self.partner_slots)
        shapes = {**dict.fromkeys(ALLIANCE_PURPOSES, (R, T)), **dict.fromkeys(SLOT_PURPOSES, (R, T, K)),
                  **dict.fromkeys(PARTNER_PURPOSES, (R, T, P)), **dict.fromkeys(INITIAL_PURPOSES, (R, P))}
        return {name: _fitting(None if reuse is None or reuse.rows is not None else getattr(reuse, name),
                               shape) for name, shape in shapes.items()}

    def runs(self) -> Index:
        """Where each number of a replicate's stream goes, as (src, n, purpose, start, stride) rows:
        a run of n numbers from position src goes to its purpose's array (in ``PURPOSES`` order,
        flattened per replicate) from ``start`` every ``stride``, time on axis 1. Partner slots the
        roster lacks are in none. Both paths of ``draw`` place the numbers by it.
        """
        T, K, P = self.steps, self.slots, len(self.partner_slots)
        at = {name: i for i, name in enumerate(PURPOSES)}
        rows = [(a * T, T, at[name], 0, 1) for a, name in enumerate(ALLIANCE_PURPOSES)]
        rows += [(self.alliance + (k * len(SLOT_PURPOSES) + j) * T, T, at[name], k, K)
                 for k in range(K) for j, name in enumerate(SLOT_PURPOSES)]
        for p, slot in enumerate(self.partner_slots.tolist()):
            first = self.head + slot * self.per_partner
            rows += [(first + j * T, T, at[name], p, P) for j, name in enumerate(PARTNER_PURPOSES)]
            rows += [(first + len(PARTNER_PURPOSES) * T + j, 1, at[name], p, 1)
                     for j, name in enumerate(INITIAL_PURPOSES)]
        return np.array(sorted(rows), dtype=np.int64).reshape(-1, 5)


def _fitting(old: Array | None, shape: tuple[int, ...]) -> Array:
    if old is not None and old.shape[1:] == shape[1:] and old.shape[0] >= shape[0]:
        return old[: shape[0]]
    return np.empty(shape)


def draw(seed: int, replicates: Index, steps: int, slots: int, partner_slots: Index,
         levers: bool = False, reuse: Draws | None = None, world_cells: int = 0) -> Draws:
    """The draws for the given replicate numbers; partner_slots are the roster's stream keys.

    Wide batches write each purpose's numbers straight into place in one compiled pass over the
    replicates' Philox streams (``_accel.philox_runs``, the same bits), never computing the numbers
    of partner slots the roster lacks; narrow ones draw each stream whole (``_draw_groups``). The
    lever stream is drawn only when a lever that needs it is on somewhere in the batch. ``reuse``:
    draws the caller is done with, whose memory is overwritten (the engine's previous chunk); the
    numbers are the same.
    """
    blocks = _Blocks(steps, slots, np.asarray(partner_slots))
    out = blocks.empty(len(replicates), reuse)
    dests = [out[name] for name in PURPOSES]
    if _accel.use(len(replicates)):
        _compiled(philox_keys(seed, replicates), blocks.runs(), dests)
    else:
        _draw_groups(seed, replicates, blocks, dests)
    for name in NORMAL:
        ndtri(out[name], out=out[name])
    if levers:
        out |= draw_levers(seed, replicates, steps, slots)
    world = WorldStream.of(seed, replicates, world_cells) if world_cells else None
    solutions = WorldStream.of(seed, replicates, world_cells, SOLUTION_STREAM,
                               len(SOLUTION_PURPOSES)) if world_cells else None
    lives = WorldStream.of(seed, replicates, len(partner_slots), LIFE_STREAM, len(LIFE_PURPOSES))
    # the purposes' arrays, by name (mypy cannot tell the keys apart)
    return Draws(**out, world=world, solutions=solutions, lives=lives)  # type: ignore[arg-type]


def _draw_groups(seed: int, replicates: Index, blocks: _Blocks, dests: list[Array]) -> None:
    """The numpy path: each replicate's whole stream from its Generator, a group at a time into
    one buffer, placed by ``blocks.runs()`` (the buffer stays cache-sized however many replicates)."""
    runs = blocks.runs().tolist()
    rows = [np.reshape(a, (len(replicates), -1), copy=False) for a in dests]  # views: written in place
    buffer = np.empty((GROUP, blocks.total))
    for first in range(0, len(replicates), GROUP):
        group = replicates[first : first + GROUP]
        u = buffer[: len(group)]
        for j, r in enumerate(group):
            replicate_generator(seed, int(r)).random(out=u[j])
        u += OPEN
        at = slice(first, first + len(group))
        for src, n, d, start, stride in runs:
            rows[d][at, start : start + n * stride : stride] = u[:, src : src + n]


def draw_levers(seed: int, replicates: Index, steps: int, slots: int) -> dict[str, Array]:
    """The lever stream: (R, T) lottery draws and (R, T, K) takeover draws."""
    lottery, takeover = LEVER_PURPOSES
    R = len(replicates)
    if _accel.use(R):
        out = {lottery: np.empty((R, steps)), takeover: np.empty((R, steps, slots))}
        runs = np.array([[0, steps, 0, 0, 1], [steps, steps * slots, 1, 0, 1]], dtype=np.int64)
        _compiled(philox_keys(seed, replicates, 1), runs, [out[lottery], out[takeover]])
        return out
    u = np.stack([replicate_generator(seed, int(r), 1).random(steps * (1 + slots))
                  for r in replicates]) + OPEN
    return {lottery: u[:, :steps], takeover: u[:, steps:].reshape(R, steps, slots)}
