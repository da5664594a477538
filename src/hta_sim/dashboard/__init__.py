"""A browser dashboard for teaching: the live run over its ensemble, with controls and lessons.

Needs the ``dashboard`` extra (Solara). Start it with ``hta-sim dashboard``; see docs/dashboard.md.
"""
