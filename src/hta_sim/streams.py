"""Random streams: one numpy Generator per replicate, derived from one seed through SeedSequence.

Replicate r of seed s always draws from ``SeedSequence(s, spawn_key=(r,))``, whatever the batch it
runs in, so a replicate gives the same numbers alone, in any batch, chunk or worker. Each replicate's
whole run is drawn up front in one fixed-shape call; within it, blocks are laid out so that
common random numbers survive changes that should not touch them:

* alliance-wide draws (idea arrivals) and initiative-slot draws come first, in a block whose size
  depends only on the horizon and the number of slots;
* partner draws follow, one block per partner *slot* (a fixed key from the roster), so adding or
  removing a partner leaves every other partner's draws as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np
from scipy.special import ndtri

PARTNER_PURPOSES = ("engagement", "ladder", "lead")  # per partner, per month
SLOT_PURPOSES = ("launch", "transition")  # per initiative slot, per month
ALLIANCE_PURPOSES = ("idea", "size")  # per month
INITIAL_PURPOSES = ("engagement0",)  # per partner, once
LEVER_PURPOSES = ("pool_pick", "takeover")  # a second stream per replicate, drawn only when needed


@dataclass(frozen=True)
class Noise:
    """All random numbers of a batch, shaped for the kernel: time on axis 1."""

    engagement: np.ndarray  # (R, T, P) standard normal
    ladder: np.ndarray  # (R, T, P) uniform [0, 1)
    lead: np.ndarray  # (R, T, P) uniform
    launch: np.ndarray  # (R, T, K) uniform
    transition: np.ndarray  # (R, T, K) uniform
    idea: np.ndarray  # (R, T) uniform
    size: np.ndarray  # (R, T) uniform
    engagement0: np.ndarray  # (R, P) standard normal
    pool_pick: np.ndarray | None = None  # (R, T) uniform, for levers that choose by lottery
    takeover: np.ndarray | None = None  # (R, T, K) uniform, for board ownership

    def rows(self, index: np.ndarray) -> Noise:
        """The noise of some rows of this batch, a row possibly many times: common random numbers."""
        return Noise(**{f.name: _take(getattr(self, f.name), index) for f in fields(self)})

    def at(self, t: int) -> Noise:
        """The draws of month t, as a Noise whose per-month arrays lost their time axis."""
        return Noise(self.engagement[:, t], self.ladder[:, t], self.lead[:, t], self.launch[:, t],
                     self.transition[:, t], self.idea[:, t], self.size[:, t], self.engagement0,
                     None if self.pool_pick is None else self.pool_pick[:, t],
                     None if self.takeover is None else self.takeover[:, t])


def replicate_generator(seed: int, replicate: int, stream: int = 0) -> np.random.Generator:
    """Stream 0 drives the model; stream 1 the levers, so a lever never shifts the model's draws."""
    key = (replicate,) if stream == 0 else (replicate, stream)
    return np.random.Generator(np.random.Philox(np.random.SeedSequence(seed, spawn_key=key)))


def draw_levers(seed: int, replicates: np.ndarray, steps: int, slots: int) -> tuple[np.ndarray, ...]:
    """The lever stream: (R, T) lottery draws and (R, T, K) takeover draws."""
    u = np.stack([replicate_generator(seed, int(r), 1).random(steps * (1 + slots))
                  for r in replicates]) + 2.0**-54
    return u[:, :steps], u[:, steps:].reshape(len(replicates), steps, slots)


def draw(seed: int, replicates: np.ndarray, steps: int, slots: int, partner_slots: np.ndarray,
         levers: bool = False) -> Noise:
    """The noise for the given replicate numbers; partner_slots are the roster's stream keys.

    Each replicate's draws are generated and sorted into place one replicate at a time, so the
    working buffer stays small (cache-sized) however many replicates a batch holds. The lever
    stream is drawn only when a lever that needs it is on somewhere in the batch.
    """
    T, K, P, R = steps, slots, len(partner_slots), len(replicates)
    head = T * (len(ALLIANCE_PURPOSES) + K * len(SLOT_PURPOSES))
    per_slot = T * len(PARTNER_PURPOSES) + len(INITIAL_PURPOSES)
    total = head + per_slot * (int(partner_slots.max()) + 1)
    out = Noise(engagement=np.empty((R, T, P)), ladder=np.empty((R, T, P)), lead=np.empty((R, T, P)),
                launch=np.empty((R, T, K)), transition=np.empty((R, T, K)), idea=np.empty((R, T)),
                size=np.empty((R, T)), engagement0=np.empty((R, P)))
    u = np.empty(total)
    for i, r in enumerate(replicates):
        replicate_generator(seed, int(r)).random(out=u)
        u += 2.0**-54  # into (0, 1), so that the normal quantile stays finite
        alliance = u[: T * 2].reshape(2, T)
        slot = u[T * 2 : head].reshape(K, 2, T)
        partner = u[head:].reshape(-1, per_slot)[partner_slots]  # (P, per_slot)
        monthly = partner[:, : T * 3].reshape(P, 3, T)
        ndtri(monthly[:, 0].T, out=out.engagement[i])
        out.ladder[i] = monthly[:, 1].T
        out.lead[i] = monthly[:, 2].T
        out.launch[i] = slot[:, 0].T
        out.transition[i] = slot[:, 1].T
        out.idea[i] = alliance[0]
        out.size[i] = alliance[1]
        ndtri(partner[:, T * 3], out=out.engagement0[i])
    if levers:
        pool_pick, takeover = draw_levers(seed, replicates, T, K)
        out = replace(out, pool_pick=pool_pick, takeover=takeover)
    return out


@dataclass(frozen=True)
class SharedNoise:
    """Rows that share a few replicates' draws (common random numbers), gathered month by month.

    Row i reads the draws of ``base``'s row ``index[i]``: the same numbers as a batch drawn for
    those replicates, without holding a full (rows, months, partners) copy.
    """

    base: Noise
    index: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "_engagement0", np.take(self.base.engagement0, self.index, axis=0))

    def at(self, t: int) -> Noise:
        month = self.base.at(t)
        return Noise(**{f.name: _take(getattr(month, f.name), self.index) for f in fields(month)
                        if f.name != "engagement0"}, engagement0=self._engagement0)


def _take(draws: np.ndarray | None, index: np.ndarray) -> np.ndarray | None:
    return None if draws is None else np.take(draws, index, axis=0)
