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

from dataclasses import dataclass

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
    """The noise for the given replicate numbers; partner_slots are the roster's stream keys."""
    T, K, P = steps, slots, len(partner_slots)
    head = T * (len(ALLIANCE_PURPOSES) + K * len(SLOT_PURPOSES))
    per_slot = T * len(PARTNER_PURPOSES) + len(INITIAL_PURPOSES)
    total = head + per_slot * (int(partner_slots.max()) + 1)
    u = np.empty((len(replicates), total))
    for i, r in enumerate(replicates):
        u[i] = replicate_generator(seed, int(r)).random(total)
    u += 2.0**-54  # into (0, 1), so that the normal quantile stays finite
    alliance = u[:, : T * 2].reshape(-1, 2, T)
    slot = u[:, T * 2 : head].reshape(-1, K, 2, T)
    partner = u[:, head:].reshape(len(replicates), -1, per_slot)[:, partner_slots]  # (R, P, per_slot)
    monthly = partner[:, :, : T * 3].reshape(-1, P, 3, T)
    return Noise(
        engagement=ndtri(monthly[:, :, 0].transpose(0, 2, 1)),
        ladder=np.ascontiguousarray(monthly[:, :, 1].transpose(0, 2, 1)),
        lead=np.ascontiguousarray(monthly[:, :, 2].transpose(0, 2, 1)),
        launch=np.ascontiguousarray(slot[:, :, 0].transpose(0, 2, 1)),
        transition=np.ascontiguousarray(slot[:, :, 1].transpose(0, 2, 1)),
        idea=np.ascontiguousarray(alliance[:, 0]),
        size=np.ascontiguousarray(alliance[:, 1]),
        engagement0=ndtri(partner[:, :, T * 3]),
        **(dict(zip(LEVER_PURPOSES, draw_levers(seed, replicates, T, K), strict=True))
           if levers else {}),
    )
