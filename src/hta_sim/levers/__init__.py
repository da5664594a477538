"""Levers: the evaluation's recommendations (seed §9) as dated, sized interventions.

Each lever is off by default and acts only through the model's named mechanisms, so switching a
mechanism off shows what the lever works through (docs/ODD.md, "Levers"). The secretariat's adaptive
policy and the end of its funding live in secretariat.py and the scenario's ``secretariat`` section;
more funders are extra grants (params.all_grants).
"""

NAMES = (
    "development_pool",
    "advisory_board",
    "board_ownership",
    "results_communication",
    "new_partners",
    "more_funders",
)
