"""Who is responsible: the city directory (areas, OPDs, services) and the routing engine."""
