"""The named mechanisms of the seed, one module each; each is switched by ``mechanisms.<name>``.

Every function here is a small function of the state, the parameters (arrays over replicates) and,
where chance enters, pre-drawn noise. Each returns what it computes; the kernel applies it.
"""

NAMES = (
    "results_lag",
    "trust_ladder",
    "own_value",
    "board_ab_split",
    "crowding_out",
    "secretariat_overload",
    "regulatory_barriers",
    "peer_influence",
    "stake",
    "adaptive_expectations",
    "fatigue",
    "turnover",
    "partner_exit",
    "recruitment",
    "coordination",
    "spiral",
)
