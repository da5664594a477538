"""Random streams keyed by replicate and partner slot: common random numbers survive roster changes."""

import dataclasses

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
    for u in (n.ladder, n.lead, n.launch, n.transition, n.idea, n.kind):
        assert (u > 0).all() and (u < 1).all()
    assert np.isfinite(n.engagement).all() and np.isfinite(n.engagement0).all()


def test_the_container_holds_exactly_the_purposes():
    names = {f.name for f in dataclasses.fields(streams.Draws)} - {"rows", "world", "solutions", "lives"}
    purposes = {*streams.ALLIANCE_PURPOSES, *streams.SLOT_PURPOSES, *streams.PARTNER_PURPOSES,
                *streams.INITIAL_PURPOSES, *streams.LEVER_PURPOSES}
    assert names == purposes


def test_groups_of_replicates_change_no_draw():
    many = streams.draw(9, np.arange(streams.GROUP * 2 + 3), 6, 3, np.arange(4), levers=True)
    for r in (0, streams.GROUP - 1, streams.GROUP, streams.GROUP * 2 + 2):
        alone = streams.draw(9, np.array([r]), 6, 3, np.arange(4), levers=True)
        for f in dataclasses.fields(streams.Draws):
            if f.name not in ("rows", "world", "solutions", "lives"):
                assert np.array_equal(getattr(alone, f.name)[0], getattr(many, f.name)[r]), f.name


def test_the_first_numbers_of_a_stream_are_pinned():
    """Replicate 0 of seed 1: its first idea draw is the stream's first uniform, plus 2**-54."""
    first = streams.replicate_generator(1, 0).random() + streams.OPEN
    assert streams.draw(1, np.array([0]), 5, 2, np.arange(3)).idea[0, 0] == first


def test_shared_rows_read_their_replicates_draws():
    base = streams.draw(2, np.arange(3), 4, 2, np.arange(3))
    shared = base.shared(np.array([2, 0, 2]))
    month = shared.at(1)
    assert np.array_equal(month.engagement, base.engagement[[2, 0, 2], 1])
    assert np.array_equal(month.launch, base.launch[[2, 0, 2], 1])
    assert np.array_equal(month.engagement0, base.engagement0[[2, 0, 2]])
    assert month.pool_pick is None
