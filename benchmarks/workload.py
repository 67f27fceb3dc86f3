"""The environments a benchmark converges: E envs, each declaring P match specs of the test channel.

Every synthetic record of the large channel exists only in its repodata (it cannot be downloaded),
so envs are built from the test channel's real packages on both channels; the large channel only
makes a solver read and weigh 20,000+ more records.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import List, Tuple

PYTHON_MINORS = ('3.9', '3.10', '3.11')
# The test channel offers eleven package names; ten of them make the declared specs (python pulls
# pip in anyway) and the eleventh is what the change run adds.
EXTRA_PACKAGE = 'conda'


def declared_specs(python_minor: str) -> Tuple[str, ...]:
    """Ten specs in the forms fleet playbooks use: pins, fuzzy versions, ranges and bare names."""
    return (
        'python=%s' % python_minor,
        'pip',
        'numpy>=1.20,<2',
        'pandas=2.1',
        'toolz==0.12.0',
        'requests>=2.31',
        'urllib3',
        'idna=3.6',
        'certifi',
        'charset-normalizer>=3',
    )


MAX_PACKAGES = len(declared_specs(PYTHON_MINORS[0]))


@dataclass(frozen=True)
class EnvSpec:
    """One declared env: its name and the match specs it must satisfy."""

    name: str
    packages: Tuple[str, ...]

    def with_extra_package(self) -> 'EnvSpec':
        """The same env asked to hold one more package (the change run)."""
        return EnvSpec(self.name, self.packages + (EXTRA_PACKAGE,))


def env_specs(count: int, packages_per_env: int = MAX_PACKAGES) -> List[EnvSpec]:
    """``count`` envs ``bench00``, ``bench01``, ... cycling through the python minors."""
    if not 1 <= packages_per_env <= MAX_PACKAGES:
        raise ValueError('the test channel gives 1 to %d packages per env, not %d'
                         % (MAX_PACKAGES, packages_per_env))
    return [EnvSpec('bench%02d' % index,
                    declared_specs(PYTHON_MINORS[index % len(PYTHON_MINORS)])[:packages_per_env])
            for index in range(count)]
