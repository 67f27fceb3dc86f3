"""Benchmarks of macfleet.conda: what a converged fleet run costs, beside Ansible's floor and the usual way.

Run with ``make bench`` (or ``tests/bin/bench.py``); test support only, never shipped.
"""
