"""Who is responsible: the city directory (areas, OPDs, services) and the routing engine."""

from routing.native import use_if_fresh

# The engine and the text analysis from their compiled build where it matches these sources.
use_if_fresh(__path__)
