"""The shared vocabulary of hta_sim (docs/design.md): names used in code, tables, docs and figures."""

from typing import Final, Literal, get_args

#: Trust-ladder rungs 0-7 (seed §3, fig. 3.1-3.2).
RUNGS: Final = (
    "skeptical",
    "curious",
    "open",
    "developing",
    "participating",
    "initiative_taking",
    "responsibility_taking",
    "co_financing",
)
RUNG: Final = {name: i for i, name in enumerate(RUNGS)}
TOP_RUNG: Final = len(RUNGS) - 1  # co_financing: no rung above it

#: The secretariat's six tactical efforts (seed §4, fig. 5.2).
EFFORTS: Final = (
    "strategy",
    "local_alliances",
    "data_collection",
    "campaign",
    "public_affairs",
    "fundraising",
)
EFFORT: Final = {name: i for i, name in enumerate(EFFORTS)}

#: The eight pulse parameters, numbered 1-8 (seed §5, appendix 9).
PULSE_PARAMETERS: Final = (
    "shared_view",
    "invest_resources",
    "share_knowledge",
    "whole_thinking",
    "ambassador",
    "strategy_development",
    "new_solutions",
    "testing_solutions",
)

#: Governing bodies; before the association date the initiators form the steering group.
BODIES: Final = ("board", "ab")
STEERING_GROUP: Final = "steering_group"

#: Initiative stages (seed §8); 0 marks an empty slot.
STAGES: Final = ("empty", "idea", "pilot", "running", "scaled", "failed")
STAGE: Final = {name: i for i, name in enumerate(STAGES)}

#: The phase that dominates the alliance's activity (seed §6), read from state.
PHASES: Final = ("building", "piloting", "scaling")

#: Sectors of the organisations the seed names (seed §1, §7): a Literal, so a roster's sector field
#: is checked both by pydantic and by mypy; SECTORS is the same names as a tuple, in this order.
Sector = Literal[
    "foundation",
    "municipality",
    "municipal_association",
    "state_agency",
    "social_housing",
    "pension_investor",
    "private_company",
    "ngo",
    "user_organisation",
    "education",
]
SECTORS: Final[tuple[Sector, ...]] = get_args(Sector)

#: The seed's own October 2018 state scores (appendix 9.1, 9.2), parameters 1-8.
SEED_SCORES_2018: Final = {
    "board": (5, 4, 4, 3, 3, 5, 3, 2),
    "ab": (5, 2, 4, 2, 3, 4, 2, 2),
}

#: The alliance's goal: a home for every homeless young person (~2,300) by 2027 (seed §1).
HOMES_GOAL: Final = 2300

#: The young people's age bands of the national count (18-24, 25-29); at 30 one leaves the count.
BANDS: Final = ("age_18_24", "age_25_29")
BAND_YEARS: Final = (7, 5)  # how many years of age each band spans

#: The world's municipalities: the five the national data name, the seed's other two (Høje-Taastrup,
#: a partner; Herlev, a dormitory agreement), and the other 91 of Denmark's 98 grouped as one (the
#: data give no count for them one by one).
MUNICIPALITIES: Final = ("copenhagen", "aarhus", "aalborg", "odense", "roskilde", "hoje_taastrup",
                         "herlev", "rest")
#: How many of Denmark's 98 municipalities each of the world's cells holds: the seed's partner
#: Høje-Taastrup and Herlev (a dormitory agreement, seed §8) are cells of their own; "rest" groups 91.
MUNICIPALITY_SIZES: Final = (1, 1, 1, 1, 1, 1, 1, 91)

#: The alliance's solution types (seed §8): an initiative is an instance of one.
SOLUTIONS: Final = ("dormitory", "host_home", "housing_first")

#: A young person's state in the world: homeless in a spell of under a year (new) or longer (long);
#: staying in one of the alliance's solutions (SOLUTIONS, in that order); or moved on from a solution
#: into a home of their own and at risk of returning (housed). A host-home stay is temporary, so the
#: national count counts it as homelessness (HOMELESS_STATES).
YOUTH_STATES: Final = ("new", "long", *SOLUTIONS, "housed")
HOMELESS_STATES: Final = ("new", "long", "host_home")
