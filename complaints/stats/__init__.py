"""Read-only statistics of the complaints: what the dashboards and the public page show.

Nothing is re-exported here; import from the module that owns what you need:

- ``scoring``: the pure arithmetic, without the database: the satisfaction index (IKM) and its
  category, an OPD's zone score and colour, the median of a histogram, percentages, and the
  suppression of small counts for publication;
- ``dashboard``: the reporting period (``?from=&to=``) and the mayor's-office figures read from
  the rollup tables: KPIs (``overview``), ``trend``, the OPD league table (``opd_table``),
  ``hotspots`` (the CSV exports are these same rows);
- ``public``: the figures of the public transparency page (``public_figures``), the dashboard's
  figures with every cell that could single a case out suppressed.
"""
