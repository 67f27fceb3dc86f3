# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""conda-lock's unified lock file (``conda-lock.yml``) on the managed host: the package sets the
controller read from it (``conda_env``'s ``conda_lock`` option), one per platform.

The file is YAML, which a stock macOS Python cannot read, so the action plugin reads it
(``plugin_utils/_conda_lock_file.py``) and hands the module only what applying it needs. The conda
entries of the env's platform are applied as an ``@EXPLICIT`` lock (``_explicit_lock``: exact URL and
hash, decided from the records); the pip entries through the env's own pip, decided from its
dist-info metadata, so a converged env runs neither conda nor pip.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import re

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask_text
from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import normalized_name
from ansible_collections.macfleet.conda.plugins.module_utils._explicit_lock import (
    LockError, LockedPackage, bare_url, checked_lock)

_HEX = re.compile(r'^[0-9a-f]+$')
_VCS = re.compile(r'^(git|hg|svn|bzr)\+', re.IGNORECASE)
# conda_export writes this for a pip distribution installed from an index, which records no URL (PEP 610)
PIP_URL_UNKNOWN = 'unknown:'


def _digest(value, length, what):
    if value in (None, ''):
        return None
    value = str(value).lower()
    if len(value) != length or not _HEX.match(value):
        raise LockError('%s is not a hex digest of %d characters' % (what, length))
    return value


class LockedPip(object):
    """One ``manager: pip`` entry: the distribution and version, and where it comes from."""

    def __init__(self, name, version, url=None, sha256=None):
        self.name = normalized_name(name)
        self.version = version
        # an entry conda_export wrote for an index install says only name and version
        self.url = None if not url or url.startswith(PIP_URL_UNKNOWN) else url
        self.sha256 = sha256

    def requirement(self):
        """The pip line: ``name @ url#sha256=...`` (pip checks a direct URL's hash fragment, as conda-lock's own
        installer relies on), else ``name==version`` from the host's configured index."""
        if not self.url:
            return '%s==%s' % (self.name, self.version)
        if self.sha256 and not _VCS.match(self.url) and '#' not in self.url:
            return '%s @ %s#sha256=%s' % (self.name, self.url, self.sha256)
        return '%s @ %s' % (self.name, self.url)

    def matches(self, dist):
        """True when ``dist`` (an installed Distribution) is this entry: same name and version, and when both
        say where it came from (the entry's URL, the dist's direct_url.json), the same place. A wheel's own
        hash is not recorded in the env, so name, version and URL are what can be told without pip."""
        if dist is None or normalized_name(dist.name) != self.name or str(dist.version) != str(self.version):
            return False
        if self.url and dist.direct_url:
            wanted = _VCS.sub('', self.url).split('#', 1)[0]
            if _VCS.match(self.url):
                head, at, revision = wanted.rpartition('@')
                wanted = head if at and '/' not in revision else wanted
            return bare_url(dist.direct_url) == bare_url(wanted)
        return True


class PlatformLock(object):
    """What a conda-lock file holds for one platform: its conda packages as an ExplicitLock, its pip entries."""

    def __init__(self, platform, explicit, pip):
        self.platform = platform
        self.explicit = explicit
        self.pip = pip

    def pip_plan(self, distributions):
        """``(install, remove)``: the pip entries the env's distributions do not match, and the names of the
        pip-installed distributions the lock does not list (pip itself and conda's are never candidates)."""
        installed = dict((normalized_name(dist.name), dist) for dist in distributions)
        install = [entry for entry in self.pip if not entry.matches(installed.get(entry.name))]
        listed = set(entry.name for entry in self.pip)
        remove = sorted(dist.name for dist in distributions if not dist.by_conda and dist.name != 'pip'
                        and normalized_name(dist.name) not in listed)
        return install, remove

    def pip_predicted(self, distributions):
        """``[(name, version)]`` of the env's pip packages once the lock is applied to ``distributions``: the
        lock's pip entries, and a pip that pip installed itself (never removed)."""
        listed = set(entry.name for entry in self.pip)
        kept = [(dist.name, str(dist.version)) for dist in distributions
                if not dist.by_conda and dist.name == 'pip' and 'pip' not in listed]
        return sorted(kept + [(entry.name, str(entry.version)) for entry in self.pip])


def read_option(option, where='the conda-lock file'):
    """``{platform: PlatformLock}`` of conda_env's ``conda_lock`` option; LockError naming the entry otherwise.

    The option is ``{'source': <file, for messages>, 'platforms': {<platform>: {'conda': [{url, md5, sha256}],
    'pip': [{name, version, url, sha256}]}}}``, as the action plugin builds it from the file.
    """
    where = 'conda-lock file %s' % option.get('source') if option.get('source') else where
    platforms = option.get('platforms')
    if not isinstance(platforms, dict) or not platforms:
        raise LockError('%s has no packages for any platform' % where)
    found = {}
    for platform in sorted(platforms):
        entry = platforms[platform] or {}
        at = '%s, platform %s,' % (where, platform)
        packages = []
        for number, conda in enumerate(entry.get('conda') or (), 1):
            url = str((conda or {}).get('url') or '')
            label = 'conda entry %d (%s)' % (number, (conda or {}).get('name') or '?')
            if not url or '#' in url or '/' not in url or not url.endswith(('.conda', '.tar.bz2')):
                raise LockError('%s %s has the url %r, not the URL of a .conda or .tar.bz2 package'
                                % (at, label, mask_text(url)))
            packages.append((label, LockedPackage(
                url, _digest(conda.get('md5'), 32, '%s %s: md5' % (at, label)),
                _digest(conda.get('sha256'), 64, '%s %s: sha256' % (at, label)))))
        explicit = checked_lock(packages, platform, at[:-1], '')
        refusal = explicit.platform_refusal(platform)
        if refusal:
            raise LockError('%s %s' % (at, refusal.replace('the lock is for', 'its packages are for', 1)))
        pips, seen = [], {}
        for number, pip in enumerate(entry.get('pip') or (), 1):
            pip = pip or {}
            if not pip.get('name') or not pip.get('version'):
                raise LockError('%s pip entry %d has no name or no version' % (at, number))
            locked = LockedPip(str(pip['name']), str(pip['version']), pip.get('url') and str(pip['url']),
                               _digest(pip.get('sha256'), 64, '%s pip entry %d: sha256' % (at, number)))
            if locked.name in seen:
                raise LockError('%s lists the pip package %s twice (pip entries %d and %d); an env holds one '
                                'version of each' % (at, locked.name, seen[locked.name], number))
            seen[locked.name] = number
            pips.append(locked)
        found[platform] = PlatformLock(platform, explicit, pips)
    return found
