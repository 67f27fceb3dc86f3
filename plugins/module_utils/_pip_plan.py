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
import sys

from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import Distribution, normalized_name
from ansible_collections.macfleet.conda.plugins.module_utils._pip_requirement import (
    RequirementError, marker_environment, needed_distributions, parse_requirement, satisfied, split_requirement_lines)

# Options whose value is a file or folder: a relative one would be read from wherever the module runs.
_PATH_OPTIONS = ('-r', '--requirement', '-c', '--constraint', '-e', '--editable', '-f', '--find-links')


def _without_comment(line):
    head = line.split(' #', 1)[0]
    return '' if head.lstrip().startswith('#') else head.strip()


def _tokens(line):
    """A requirements-file line as ``pip install`` arguments: ``-r x`` and ``--opt=x`` are two tokens."""
    line = _without_comment(line)
    if not line.startswith('-'):
        return [line] if line else []
    for separator in ('=', ' ', '\t'):
        if separator in line:
            option, value = line.split(separator, 1)
            return [option.strip(), value.strip()]
    return [line]


def _relative_path(tokens):
    """The relative path a line points at (pip would read it from the module's working folder), or None."""
    if len(tokens) == 2 and tokens[0] in _PATH_OPTIONS:
        value = tokens[1]
    elif len(tokens) == 1 and not tokens[0].startswith('-') and (
            '/' in tokens[0] or tokens[0].endswith(('.whl', '.tar.gz', '.zip'))) and '@' not in tokens[0]:
        value = tokens[0]
    else:
        return None
    if '://' in value or value.startswith(('/', '~', 'git+', 'hg+', 'svn+', 'bzr+')):
        return None
    return value


class PipRequest(object):
    """The declared pip lines, split as pip reads them; RequirementError for a line pip would refuse."""

    def __init__(self, lines):
        self.lines = list(lines)
        self.split = split_requirement_lines(self.lines)
        self.argv = []
        for line in self.lines:
            tokens = _tokens(line)
            if tokens and not tokens[0].startswith('-') and ' --' in tokens[0]:
                # pip reads per-requirement options only in a requirements file, not on its command line
                raise RequirementError(
                    'pip line %r carries a per-requirement option (%s): this module hands each line to pip '
                    'as an argument, where pip does not accept it; drop it, or keep such lines in a '
                    'requirements file given as -r /absolute/path' % (line, tokens[0].split(' --', 1)[1].split()[0]))
            relative = _relative_path(tokens)
            if relative:
                raise RequirementError(
                    'pip line %r names the relative path %s: the module runs pip in its own working folder, '
                    'so give it as an absolute path on the host' % (line, relative))
            self.argv.extend(tokens)

    def __bool__(self):
        return bool(self.lines)

    @property
    def requirements(self):
        return self.split.requirements

    @property
    def undecidable(self):
        return self.split.undecidable


def _host_subdir():
    """This host's conda subdir, for a python record that does not name its own."""
    machine = os.uname()[4]
    if sys.platform == 'darwin':
        return 'osx-arm64' if machine == 'arm64' else 'osx-64'
    return 'linux-aarch64' if machine in ('aarch64', 'arm64') else 'linux-64'


def environment_of(python_record):
    """The PEP 508 marker environment of an env from its python record (its version and conda subdir)."""
    return marker_environment(str(python_record.get('version')), python_record.get('subdir') or _host_subdir())


def predicted_distributions(distributions, installs):
    """The env's distributions after pip installs ``installs`` (``(name, version, requires)`` from its report)."""
    after = dict((normalized_name(dist.name), dist) for dist in distributions)
    for name, version, requires in installs:
        after[normalized_name(name)] = Distribution(normalized_name(name), version, list(requires), False, None)
    return [after[name] for name in sorted(after)]


class PipPlan(object):
    """For one env: the requirements its distributions do not meet, and what only pip can tell."""

    def __init__(self, request, distributions, environment):
        self.request = request
        self.installed = dict((normalized_name(dist.name), dist.version) for dist in distributions)
        self.requires = dict((normalized_name(dist.name), dist.requires) for dist in distributions)
        self.environment = environment
        self.unmet, self.unknown = [], list(request.undecidable)
        for requirement in request.requirements:
            verdict = satisfied(requirement, self.installed, environment, requires=self.requires)
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
    if any(tokens and tokens[0] in ('-r', '--requirement', '-c', '--constraint')
           for tokens in (_tokens(line) for line in request.lines)):
        return None
    installed = dict((normalized_name(dist.name), dist.version) for dist in distributions)
    requires = dict((normalized_name(dist.name), dist.requires) for dist in distributions)
    roots, urls = list(request.requirements), set()
    for line in request.undecidable:
        try:
            roots.append(parse_requirement(_without_comment(line)))  # name @ url
        except RequirementError:
            target = (_tokens(line) or [''])[-1]
            urls.add('file://' + target if target.startswith('/') else target)
    # what a URL or path line installed is known by the URL pip recorded for it (PEP 610 direct_url.json)
    roots += [parse_requirement(dist.name) for dist in distributions if dist.direct_url and dist.direct_url in urls]
    needed = needed_distributions(roots, requires, installed, environment)
    # pip itself stays: uninstalling the pip that runs would leave conda's pip record without its files
    return sorted(dist.name for dist in distributions
                  if not dist.by_conda and normalized_name(dist.name) not in needed and dist.name != 'pip')
