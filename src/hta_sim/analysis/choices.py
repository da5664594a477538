"""Names the command line offers before any heavy module is imported."""

OBJECTIVES = ("fewer_homeless_2027", "engagement_2021", "weighted")
STATISTICS = ("mean", "median")
