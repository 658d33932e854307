"""Open311 GeoReport v2 under ``/open311/v2/`` (docs/interface.md "Open311 GeoReport v2").

- ``keys``: the clients' API keys (made, checked, revoked);
- ``feed``: what the public feed may carry of a complaint (the de-identified selectors);
- ``directory``: services and their definitions, from the routing directory;
- ``inputs``: a posted request turned into the report form's input;
- ``render``: JSON and XML answers, and GeoReport's error format;
- ``views``: one view per endpoint; ``urls``: their paths.
"""
