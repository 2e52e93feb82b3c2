"""Numbers computed from events and appearances. Pure functions: no I/O."""
