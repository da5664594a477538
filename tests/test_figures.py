"""Every standard figure reads at a glance: no legend over a median, labels apart, ranges that fit.

Overlaps are measured with matplotlib's own bounding boxes (display coordinates, after a draw):
a legend's window extent against every point of each median line, and tick labels against each other.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.transforms import Bbox

import hta_sim
from hta_sim import figures
from hta_sim.analysis import compare
from hta_sim.vocabulary import RUNGS


@pytest.fixture(scope="module")
def small():
    import hta_sim

    return hta_sim.simulate("baseline", replicates=20, seed=2018)


def legends(fig):
    return [leg for leg in [*(ax.get_legend() for ax in fig.axes), *fig.legends] if leg is not None]


def medians(fig):
    """Every median line: drawn with a label or gid that says 'median'."""
    return [line for ax in fig.axes for line in ax.get_lines()
            if "median" in f"{line.get_label()} {line.get_gid()}" and len(line.get_xydata())]


def covered_points(fig) -> list[str]:
    """'legend covers <line>' for each median line with a point inside a legend's box."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    found = []
    for leg in legends(fig):
        box = leg.get_window_extent(renderer)
        for line in medians(fig):
            xy = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
            if box.count_contains(xy[np.isfinite(xy).all(axis=1)]):
                found.append(f"legend covers {line.get_label()}")
    return found


def colliding_ticks(ax) -> list[tuple[str, str]]:
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    labels = [t for t in ax.get_xticklabels() if t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in labels]
    return [(labels[i].get_text(), labels[j].get_text()) for i in range(len(boxes))
            for j in range(i + 1, len(boxes)) if boxes[i].overlaps(boxes[j])]


def test_fig71_legend_covers_no_median_and_the_range_fits(small):
    ax = figures.engagement(small.trajectories)
    fig = ax.figure
    assert len(medians(fig)) == 2 and covered_points(fig) == []
    lo, hi = ax.get_ylim()
    band_lo = min(figures.band(small.trajectories, f"engagement_{b}")["lo"].min() for b in ("board", "ab"))
    assert hi == 1.0 and 0 < lo <= band_lo and band_lo - lo < 0.2  # no empty 0-0.6 strip
    texts = [t.get_text() for t in ax.texts]
    assert "association\nAug 2017" in texts and "scaling phase" in texts
    assert any(str(line.get_xdata()[0])[:7] == "2017-08" for line in ax.get_lines()
               if line.get_linestyle() == ":")  # the association's dotted line
    plt.close(fig)


def test_homes_shows_the_count_against_2017_and_none_by_2027_and_no_legend_covers_the_median(small):
    without = hta_sim.simulate("no-alliance", replicates=4, seed=1).trajectories
    ax = figures.homes(small.trajectories, without=without)
    goal = next(line for line in ax.get_lines() if "straight path" in line.get_label())
    assert str(goal.get_xdata()[-1])[:7] == "2027-12" and goal.get_ydata()[-1] == 0
    assert goal.get_ydata()[0] == 2292  # the 2017 count
    assert any("without the alliance" in line.get_label() for line in ax.get_lines())
    labels = [line.get_label() for a in ax.figure.axes for line in a.get_lines()]
    assert {"dormitory", "host home", "housing first"} <= set(labels)
    assert covered_points(ax.figure) == []
    plt.close(ax.figure)


def test_ladder_legend_lists_only_rungs_ever_occupied(small):
    ax = figures.trust_ladder(small.trajectories)
    listed = [t.get_text() for t in ax.get_legend().get_texts()]
    occupied = [r.replace("_", "-") for r in RUNGS if small.trajectories[f"rung_{r}"].max() > 0]
    assert listed == occupied and len(listed) < len(RUNGS)  # the seed leaves some rungs empty
    plt.close(ax.figure)


def test_radar_labels_apart_and_legend_shows_both_bodies(small):
    fig = figures.radar(small.pulse, "2018-10-01")
    assert covered_points(fig) == []
    for ax in fig.axes:
        assert colliding_ticks(ax) == []
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    left = Bbox.union([t.get_window_extent(renderer) for t in fig.axes[0].get_xticklabels()])
    right = Bbox.union([t.get_window_extent(renderer) for t in fig.axes[1].get_xticklabels()])
    assert not left.overlaps(right)  # "1 shared view" of the board clear of "5 ambassador" of the AB
    texts = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert any("board" in t and "AB" not in t for t in texts) and any("AB" in t for t in texts)
    colours = {tuple(np.round(matplotlib.colors.to_rgba(h.get_color()), 3)) for leg in fig.legends
               for h in leg.legend_handles}
    assert {tuple(np.round(matplotlib.colors.to_rgba(figures.BODY_COLOURS[b]), 3))
            for b in ("board", "ab")} <= colours
    plt.close(fig)


def test_comparison_has_paired_panels_and_curves_that_can_be_told_apart():
    cmp = compare.run(["baseline", "results-communication", "more-funders"], replicates=10, seed=3,
                      posterior=None)
    fig = figures.comparison(cmp.trajectories, [s.name for s in cmp.scenarios])
    titles = [ax.get_title() for ax in fig.axes]
    assert "Homes: paired difference from baseline" in titles
    assert "Engagement: paired difference from baseline" in titles
    homes = next(ax for ax in fig.axes if ax.get_title().startswith("Homes created"))
    assert len({line.get_linestyle() for line in homes.get_lines()}) == 3  # three dash patterns
    assert covered_points(fig) == []
    plt.close(fig)
    table = cmp.table()
    dip = table[table["outcome"] == "dip_depth"]
    assert (dip["better_if"] == "lower").all() and "lower" in dip["label"].iloc[0]


def test_dashboard_views_legends_cover_no_median():
    from hta_sim.dashboard import plots, views
    from hta_sim.dashboard.lessons import BY_KEY
    from hta_sim.dashboard.runs import TeachingModel

    lesson = BY_KEY["pool"]
    model = TeachingModel(lesson.settings(), lesson.contrasted(), lesson.contrast_label)
    for _ in range(30):
        model.step()
    for _, kind in plots.VIEWS:
        pic = views.build(kind, model)
        pic.show(plots.Live.of(model, views.ensemble(model.settings).dates))
        assert covered_points(pic.fig) == [], kind.__name__
    network = views.build(plots.Network, model)
    network.show(plots.Live.of(model, views.ensemble(model.settings).dates))
    renderer = network.fig.canvas.get_renderer()
    names = [t for ax in network.fig.axes for t in ax.texts]
    assert len(names) == len(model.roster.names)
    for name in names:  # every partner's name whole inside the picture: none clipped at an edge
        box = name.get_window_extent(renderer)
        assert network.fig.bbox.containsx(box.x0) and network.fig.bbox.containsx(box.x1), name.get_text()
        assert network.fig.bbox.containsy(box.y0) and network.fig.bbox.containsy(box.y1), name.get_text()
    radar = views.build(plots.Radar, model)
    radar.show(plots.Live.of(model, views.ensemble(model.settings).dates))
    for ax in radar.fig.axes:
        assert colliding_ticks(ax) == []
    renderer = radar.fig.canvas.get_renderer()
    left, right = (Bbox.union([t.get_window_extent(renderer) for t in ax.get_xticklabels()])
                   for ax in radar.fig.axes)
    assert not left.overlaps(right)  # the board's names clear of the AB's
    assert min(t.get_fontsize() for ax in radar.fig.axes for t in ax.get_xticklabels()) >= 7


def test_dashboard_homes_view_shows_the_national_count_and_whole_young_people_housed_by_type():
    from hta_sim.dashboard import plots, views
    from hta_sim.dashboard.lessons import BY_KEY
    from hta_sim.dashboard.runs import TeachingModel
    from hta_sim.vocabulary import HOMELESS_STATES, SOLUTIONS, YOUTH_STATES

    lesson = BY_KEY["dip"]
    model = TeachingModel(lesson.settings())
    for _ in range(40):
        model.step()
    pic = views.build(plots.Homes, model)
    live = plots.Live.of(model, views.ensemble(model.settings).dates)
    pic.show(live)
    ax = pic.fig.axes[0]
    assert np.array_equal(pic.line.get_ydata(), live.columns["homeless_youth"])
    homeless = [YOUTH_STATES.index(s) for s in HOMELESS_STATES]
    assert live.columns["homeless_youth"][-1] == model.state.youth[0, homeless].sum()  # not the housed
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "national count 2017: 2,292" in labels and "path to none by Dec 2027" in labels
    title = pic.title.get_text()
    assert f"{int(live.columns['homeless_youth'][-1]):,} now" in title
    for kind in SOLUTIONS:
        assert f"{kind.replace('_', ' ')} {int(live.columns[f'housed_{kind}'][-1]):,}" in title
    assert "." not in title  # whole young people only
