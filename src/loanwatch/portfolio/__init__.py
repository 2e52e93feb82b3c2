"""The club's loan list: ``importer.py`` (the import as a ledger) over ``sheets.py`` (reading the
file), ``cells.py`` (parsing cells) and ``resolve.py`` (names against the store); ``names.py``
(finding players by name, for every layer)."""
