"""Unit tests of the benchmark harness: what it runs, counts and reports (not how fast anything is)."""
