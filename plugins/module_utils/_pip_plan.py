# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an env's ``pip:`` requirement lines ask of it, decided from its installed distributions' metadata.

A requirement ``name<specifier>`` (markers evaluated for the env's python) is decided without running
pip; only what metadata cannot tell (URLs, VCS, local paths, ``-e``, ``-r``, extras) is asked of pip
with ``--dry-run --report``, so a converged env costs no pip process.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import os
import re

from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import Distribution, normalized_name
from ansible_collections.macfleet.conda.plugins.module_utils._conda_root import host_subdir
from ansible_collections.macfleet.conda.plugins.module_utils._pip_requirement import (
    RequirementError, marker_environment, needed_distributions, parse_requirement, satisfied, split_requirement_lines)


class PipRequest(object):
    """The declared pip lines as pip reads them; RequirementError for a line this module cannot hand pip.

    The lines are handed to ``pip install`` as arguments (``argv``), not as a requirements file, so
    an option that pip accepts only after a requirement in a file (``--hash``) is refused, and so is
    a relative path: pip would read it from the module's working folder on the host.
    """

    def __init__(self, lines):
        self.lines = list(lines)
        split = split_requirement_lines(self.lines)
        for line, option in split.per_requirement:
            raise RequirementError(
                'pip line %r carries a per-requirement option (%s): this module hands each line to pip '
                'as an argument, where pip does not accept it; drop it, or keep such lines in a '
                'requirements file given as -r /absolute/path' % (line, option))
        for line, path in split.local_paths:
            if not path.startswith(('/', '~')):
                raise RequirementError(
                    'pip line %r names the relative path %s: the module runs pip in its own working folder, '
                    'so give it as an absolute path on the host' % (line, path))
        self.argv = split.argv
        self.requirements = split.requirements
        self.undecidable = split.undecidable
        self.sources = split.sources
        self.reads_files = split.reads_files

    def __bool__(self):
        return bool(self.lines)


def environment_of(python_record):
    """The PEP 508 marker environment of an env from its python record (its version and conda subdir)."""
    return marker_environment(str(python_record.get('version')), python_record.get('subdir') or host_subdir() or 'linux-64')


def predicted_distributions(distributions, installs):
    """The env's distributions after pip installs ``installs`` (``(name, version, requires)`` from its report)."""
    after = dict((normalized_name(dist.name), dist) for dist in distributions)
    for name, version, requires in installs:
        after[normalized_name(name)] = Distribution(normalized_name(name), version, list(requires), False, None)
    return [after[name] for name in sorted(after)]


_LEADING_NAME = re.compile(r'[A-Za-z0-9][A-Za-z0-9._-]*')


def _recorded_url(source):
    """The URL pip records in direct_url.json (PEP 610) for a line's source: no ``git+``, no ``@rev``, no fragment."""
    if source.startswith(('/', '~')):
        return 'file://' + os.path.expanduser(source)
    scheme, plus, rest = source.partition('+')
    if scheme in ('git', 'hg', 'svn', 'bzr') and plus:
        url = rest.split('#', 1)[0]
        head, at, revision = url.rpartition('@')
        return head if at and '/' not in revision else url
    return source.split('#', 1)[0]


def _by_name(distributions):
    """The distributions' versions and Requires-Dist lines, by PEP 503 name."""
    installed = dict((normalized_name(dist.name), dist.version) for dist in distributions)
    requires = dict((normalized_name(dist.name), dist.requires) for dist in distributions)
    return installed, requires


class PipPlan(object):
    """For one env: the requirements its distributions do not meet, and what only pip can tell."""

    def __init__(self, request, distributions, environment):
        installed, requires = _by_name(distributions)
        self.unmet, self.unknown = [], list(request.undecidable)
        for requirement in request.requirements:
            verdict = satisfied(requirement, installed, environment, requires=requires)
            if verdict is None:
                self.unknown.append(requirement.original)
            elif not verdict:
                self.unmet.append(requirement.original)

    @property
    def converged(self):
        """Nothing for pip to do, known without running it."""
        return not self.unmet and not self.unknown

    @property
    def certain(self):
        """Some requirement is known to be unmet: pip will install something."""
        return bool(self.unmet)


def prune_names(request, distributions, environment):
    """pip-installed distributions that no declared requirement needs, directly or through Requires-Dist.

    None when it cannot be known: a ``-r``/``-c`` file is not read here, so what it needs is unknown.
    Distributions installed from a URL, path or VCS are kept when a declared line names that URL.
    Conda's distributions are never candidates: pip must not remove a conda package's files.
    """
    if request.reads_files:
        return None
    installed, requires = _by_name(distributions)
    roots, urls = list(request.requirements), set()
    for line in request.undecidable:
        source = request.sources.get(line)
        if source is not None:
            urls.add(_recorded_url(source))
            continue
        try:
            roots.append(parse_requirement(line.split(' #', 1)[0].strip()))  # name @ url
        except RequirementError:  # name==${VERSION}: pip expands it, the name is plain
            roots.append(parse_requirement(_LEADING_NAME.match(line).group(0)))
    # what a URL or path line installed is known by the URL pip recorded for it (PEP 610 direct_url.json)
    roots += [parse_requirement(dist.name) for dist in distributions if dist.direct_url and dist.direct_url in urls]
    needed = needed_distributions(roots, requires, installed, environment)
    # pip itself stays: uninstalling the pip that runs would leave conda's pip record without its files
    return sorted(dist.name for dist in distributions
                  if not dist.by_conda and normalized_name(dist.name) not in needed and dist.name != 'pip')
