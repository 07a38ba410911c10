"""De-duplication and fusion: rows that report one real-world event, linked and fused.

``jervis.deduplicate(store)`` (``run.py``) links them (``match.py``: blocking and scoring on the
engine), clusters and fuses them (``fuse.py``) with the settings of ``config.py``
(``data/dedup.toml``). ``synthetic.py`` makes re-reported copies of real data with known
duplicates, for the benchmark and the tests.
"""
