"""Helpers of the module integration tests: snapshots of an env's records and common task arguments."""
from __future__ import annotations

import pathlib

from conda_testbed.prefix_records import records as snapshot  # noqa: F401 (used by the test modules)


def installed(prefix: pathlib.Path) -> dict:
    """``{name: version}`` of the packages in ``prefix``."""
    return {rec['name']: rec['version'] for rec in snapshot(prefix).values()}


def transactions(conda_root) -> list:
    """The logged conda calls that were not pure reads."""
    return [call for call in conda_root.calls() if call.kind != 'read']


def channel_args(conda_root, **extra) -> dict:
    """Module arguments that point at the test root's conda and only the local channel."""
    args = {'executable': str(conda_root.conda), 'channels': [conda_root.channel_url], 'override_channels': True}
    args.update(extra)
    return args


def comparable(actions: dict) -> dict:
    """Actions without their order, to compare a check-mode prediction with a real run."""
    compared = {key: sorted((entry['name'], entry['version'], entry['build']) for entry in actions[key])
                for key in ('linked', 'unlinked')}
    # conda_env's pip and variables actions are already sorted by name
    compared.update((key, actions[key]) for key in ('pip', 'variables') if key in actions)
    return compared


def packages(prefix) -> list:
    """The env's conda packages as (name, version, build, URL), read from its records, sorted."""
    return sorted((record['name'], record['version'], record['build'], record.get('url'))
                  for record in snapshot(prefix).values())


def pip_runs(pip_log) -> int:
    """How many pip commands ran: each logs one "Using pip X from ..." line to PIP_LOG."""
    if not pip_log.exists():
        return 0
    return sum(1 for line in pip_log.read_text().splitlines() if ' Using pip ' in line)
