"""Provider files into the store: readers behind one interface, one ``Ingestor`` for the bookkeeping.

Read first: ``reader.py`` (what a reader is), then ``pipeline.py`` (``Ingestor``: reading, hashing,
skipping, one transaction per match, the run's record, errors, summary, for every reader).
Readers: ``wyscout.py`` (``WyscoutReader``, the fast path), ``kloppy_reader.py`` (``KloppyReader``:
StatsBomb, Opta, Sportec, Stats Perform). Shared by both: ``discover.py`` (files, special files,
gzip), ``checks.py`` (a match joined to its sheet and checked), ``minutes.py`` (appearances),
``errors.py`` (what is rejected, what is stored with a warning).
"""
