"""A conda stand-in built on py-rattler, answering like the recordings in tests/fixtures/conda-recordings."""
