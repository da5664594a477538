"""Random streams keyed by replicate and partner slot: common random numbers survive roster changes."""

import numpy as np

from hta_sim import streams


def test_removing_a_partner_keeps_the_others_draws():
    slots = np.arange(18)
    full = streams.draw(3, np.array([0, 1]), 24, 8, slots)
    kept = np.delete(slots, 5)
    fewer = streams.draw(3, np.array([0, 1]), 24, 8, kept)
    assert np.array_equal(full.engagement[:, :, kept], fewer.engagement)
    assert np.array_equal(full.ladder[:, :, kept], fewer.ladder)
    assert np.array_equal(full.launch, fewer.launch)
    assert np.array_equal(full.idea, fewer.idea)


def test_adding_a_partner_keeps_the_others_draws():
    slots = np.arange(18)
    full = streams.draw(3, np.array([2]), 24, 8, slots)
    more = streams.draw(3, np.array([2]), 24, 8, np.append(slots, 40))
    assert np.array_equal(full.engagement, more.engagement[:, :, :18])
    assert np.array_equal(full.transition, more.transition)


def test_replicates_are_independent_of_the_batch():
    alone = streams.draw(3, np.array([4]), 12, 4, np.arange(5))
    batch = streams.draw(3, np.arange(6), 12, 4, np.arange(5))
    assert np.array_equal(alone.engagement[0], batch.engagement[4])


def test_uniforms_are_open_and_normals_finite():
    n = streams.draw(1, np.arange(3), 144, 32, np.arange(18))
    for u in (n.ladder, n.lead, n.launch, n.transition, n.idea, n.size):
        assert (u > 0).all() and (u < 1).all()
    assert np.isfinite(n.engagement).all() and np.isfinite(n.engagement0).all()
