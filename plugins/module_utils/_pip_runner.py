# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs an env's own pip (``<prefix>/bin/python -m pip``) as conda runs it for an env file's ``pip:`` list.

conda runs ``python -m pip install -U -r <file> --exists-action=b`` with the host's pip configuration and
``PIP_*`` environment (recordings 77-82): a fleet's private index lives there, so pip is not run
``--isolated`` here either. Unlike conda, there is no ``-U``: a requirement already met is left alone,
as a conda spec already met is.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import json
import os
import re

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask_text

_INSTALL = ['install', '--no-input', '--exists-action=b']


class PipError(Exception):
    """pip failed; the message names the requirements and says what pip said."""

    def __init__(self, message, rc=None, cmd=None):
        super(PipError, self).__init__(message)
        self.rc = rc
        self.cmd = cmd

    def as_result(self):
        return {'rc': self.rc, 'cmd': self.cmd}


def env_python(prefix):
    return os.path.join(prefix, 'bin', 'python')


# pip retries an index it cannot reach with a warning per try, then says only "No matching distribution
# found": the network failure is in these warnings, not in the error.
_UNREACHABLE = (re.compile(r"after connection broken by '\w+\('.*?'?: (?P<reason>[^']+)'\)': (?P<path>\S+)"),
                re.compile(r'Could not fetch URL (?P<path>\S+): (?P<reason>.+?)(?: - skipping)?$'))


def _said(stderr, stdout):
    """pip's own error lines (``ERROR: ...``), else the last lines it printed; and why an index was unreachable."""
    lines = [line.strip() for line in ((stderr or '') + '\n' + (stdout or '')).splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith('ERROR:')]
    said = ' | '.join((errors or lines)[-3:]) or 'pip printed nothing'
    for line in reversed(lines):
        match = next((found for found in (pattern.search(line) for pattern in _UNREACHABLE) if found), None)
        if match:
            reason = match.group('reason').rstrip('.')
            return '%s (pip could not reach its index for %s: %s)' % (said, match.group('path'), reason)
    return said


class PipRunner(object):
    """The pip of one env, for one module run."""

    def __init__(self, module, prefix):
        self.module = module
        self.python = env_python(prefix)

    def _run(self, args, what):
        argv = [self.python, '-m', 'pip'] + list(args)
        rc, stdout, stderr = self.module.run_command(argv, check_rc=False)
        if rc != 0:
            raise PipError(mask_text('%s failed (exit code %s): %s' % (what, rc, _said(stderr, stdout))), rc,
                           [mask_text(arg) for arg in argv])
        return stdout

    def install(self, args):
        """``pip install`` of ``args`` (option tokens and requirement lines), all in one call."""
        self._run(_INSTALL + list(args), 'pip install')

    def would_install(self, args):
        """``[(name, version, requires_dist)]`` ``pip install args`` would install (``--dry-run --report``, pip 22.2+)."""
        stdout = self._run(_INSTALL + ['--dry-run', '--quiet', '--report', '-'] + list(args), 'pip install --dry-run')
        try:
            report = json.loads(stdout)
        except ValueError:
            raise PipError('pip install --dry-run --report printed no JSON report: the env\'s pip is older than 22.2, '
                           'which check mode and URL requirements need; add pip>=22.2 to the env\'s packages.')
        installs = []
        for item in report.get('install') or ():
            metadata = item.get('metadata') or {}
            installs.append((metadata.get('name'), metadata.get('version'), metadata.get('requires_dist') or []))
        return installs

    def uninstall(self, names):
        self._run(['uninstall', '--no-input', '-y'] + sorted(names), 'pip uninstall')
