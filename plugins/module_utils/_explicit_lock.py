# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``@EXPLICIT`` locks (``conda list --explicit``): read one, and decide from an env's records what
applying it changes, without running conda.

conda applies such a lock only half (recordings 107-115, README item 14): with ``--json`` it prints
nothing, changed or not, and it never removes what the lock does not list. So everything a module
reports about applying a lock is decided here, from the lock and the env's records, the same way in
check mode and in a real run.

Also the platform rules of an env's ``subdir`` (an Intel env on Apple silicon).

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import hashlib
import os
import re
from urllib.parse import unquote

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask_text

_TOKEN_PART = re.compile(r'/t/[^/]+(?=/)')

EXPLICIT_MARKER = '@EXPLICIT'
SUBDIRS = ('noarch', 'linux-64', 'linux-aarch64', 'linux-ppc64le', 'linux-s390x', 'osx-64', 'osx-arm64',
           'win-64', 'win-arm64')
# conda's own pattern (conda/misc.py _get_url_pattern, .conda and .tar.bz2 extractors): the file
# name, then an optional #md5 or #sha256 (sha256: prefix allowed)
_URL_PATTERN = re.compile(r'(?:(?P<url_p>.+)(?:[/\\]))?(?P<fn>[^/\\#]+(?:\.conda|\.tar\.bz2))'
                          r'(?:#((?P<md5>[0-9a-f]{32})|((sha256:)?(?P<sha256>[0-9a-f]{64}))))?$')
_URL = re.compile(r'^[a-z][a-z0-9+.-]*://', re.IGNORECASE)
_PLATFORM_HEADER = re.compile(r'^#\s*platform:\s*(?P<subdir>\S+)\s*$')
# what each host can run besides its own subdir: Apple silicon runs Intel code under Rosetta 2
_ALSO_RUNS = {'osx-arm64': ('osx-64',)}
_MACHINES = {'osx-arm64': 'arm64', 'osx-64': 'x86_64', 'linux-64': 'x86_64', 'linux-aarch64': 'aarch64'}


def bare_url(url):
    """``url`` without ``user:pass@`` and ``/t/<token>``: the same package wherever the credentials differ."""
    return _TOKEN_PART.sub('', re.sub(r'^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@', r'\1', url or ''))


class LockError(Exception):
    """The lock cannot be applied as it is; ``str()`` names the line or the package and says why."""


class LockedPackage(object):
    """One package of the lock: its exact build, where it is, and the hash the lock gives."""

    def __init__(self, url, md5=None, sha256=None):
        self.url = url
        self.md5 = md5
        self.sha256 = sha256
        folder, self.fn = url.rsplit('/', 1)
        self.channel, self.subdir = folder.rsplit('/', 1) if '/' in folder else ('', folder)
        stem = self.fn[:-len('.conda')] if self.fn.endswith('.conda') else self.fn[:-len('.tar.bz2')]
        self.name, self.version, self.build = (stem.rsplit('-', 2) + ['', ''])[:3]

    @property
    def dist(self):
        return '%s-%s-%s' % (self.name, self.version, self.build)

    def line(self):
        """The lock line for this package (URL and hash), as ``conda list --explicit`` writes it."""
        digest = self.sha256 and 'sha256:' + self.sha256 or self.md5
        return '%s#%s' % (self.url, digest) if digest else self.url

    def as_record(self):
        """What the env's ``conda-meta`` record of this package will say (check mode's prediction)."""
        record = dict(name=self.name, version=self.version, build=self.build, subdir=self.subdir,
                      channel='%s/%s' % (self.channel, self.subdir), fn=self.fn, url=self.url, depends=None)
        record.update((key, value) for key, value in (('md5', self.md5), ('sha256', self.sha256)) if value)
        return record

    def matches(self, record):
        """True when the installed ``record`` is this exact build: the same URL (credentials aside), or
        the same name-version-build with the hash the lock gives; a hash the lock gives must agree."""
        if record.get('name') != self.name:
            return False
        for key in ('md5', 'sha256'):
            given = getattr(self, key)
            if given and record.get(key) and record[key] != given:
                return False
        if record.get('url') and bare_url(record['url']) == bare_url(self.url):
            return True
        same_build = (record.get('version'), record.get('build'), record.get('subdir')) == (
            self.version, self.build, self.subdir)
        return same_build and any(getattr(self, key) and record.get(key) == getattr(self, key)
                                  for key in ('md5', 'sha256'))


class ExplicitLock(object):
    """A parsed lock: its packages in the lock's order and the platform its header names (or None)."""

    def __init__(self, packages, platform):
        self.packages = packages
        self.platform = platform

    @property
    def subdir(self):
        """The one platform of the lock's packages (noarch aside), else its header's, else None."""
        subdirs = set(package.subdir for package in self.packages if package.subdir != 'noarch')
        return subdirs.pop() if subdirs else self.platform

    def platform_refusal(self, target):
        """Why this lock cannot be applied to an env of subdir ``target``, or None."""
        wrong = [package.dist for package in self.packages if package.subdir not in ('noarch', target)]
        if wrong:
            return ('the lock is for %s, not for %s (the env\'s platform): %s %s built for it; exact builds '
                    'cannot move between platforms. Export a lock on a host of this platform, or use an '
                    'environment.yml without builds' % (self.subdir, target, ', '.join(wrong[:5]) + (
                        ' and %d more' % (len(wrong) - 5) if len(wrong) > 5 else ''),
                        'is' if len(wrong) == 1 else 'are'))
        if self.platform and self.platform != target:
            return ('the lock says "# platform: %s", and the env\'s platform is %s. Export a lock on a host of '
                    'this platform' % (self.platform, target))
        return None

    def plan(self, records):
        """``(install, remove)``: the packages of the lock the env does not hold exactly, and the names of
        the installed packages the lock does not list."""
        installed = dict((record['name'], record) for record in records)
        install = [package for package in self.packages
                   if package.name not in installed or not package.matches(installed[package.name])]
        listed = set(package.name for package in self.packages)
        return install, sorted(name for name in installed if name not in listed)

    def predicted(self, records):
        """The env's records once the lock is applied: exactly the lock's packages, those already there kept."""
        installed = dict((record['name'], record) for record in records)
        return sorted((installed[package.name] if package.name in installed and package.matches(
            installed[package.name]) else package.as_record() for package in self.packages),
            key=lambda record: record['name'])


def is_explicit(text):
    """True when the text is an ``@EXPLICIT`` lock: a line that is the marker, as conda decides."""
    return any(line.strip() == EXPLICIT_MARKER for line in text.splitlines())


def parse_lock(lines, where='the lock'):
    """The ``ExplicitLock`` of ``lines`` (the file's lines, comments included); LockError on anything conda
    would fail on, or would install other than it says: no marker, a line that is no package URL, a
    relative path, a package listed twice, packages of more than one platform, nothing listed."""
    platform = None
    packages = []
    explicit = False
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        header = _PLATFORM_HEADER.match(line)
        if header:
            platform = header.group('subdir')
        if not line or line.startswith('#'):
            continue
        if line == EXPLICIT_MARKER:
            explicit = True
            continue
        if not explicit:
            raise LockError('%s line %d (%s) comes before the @EXPLICIT line; an @EXPLICIT lock lists package '
                            'URLs after that marker only' % (where, number, mask_text(line)))
        if not _URL.match(line):
            if not line.startswith('/'):
                raise LockError('%s line %d (%s) is neither a URL nor an absolute path (conda would read a '
                                'relative path from the folder it runs in)' % (where, number, mask_text(line)))
            line = 'file://' + line
        match = _URL_PATTERN.match(line)
        if not match or not match.group('url_p'):
            raise LockError('%s line %d (%s) is not a package URL followed by an optional #md5 or #sha256 (a '
                            'line cut short, or a malformed hash?); conda fails with "Could not parse explicit '
                            'URL"' % (where, number, mask_text(line)))
        package = LockedPackage('%s/%s' % (match.group('url_p'), match.group('fn')), match.group('md5'),
                                match.group('sha256'))
        packages.append(('line %d' % number, package))
    if not explicit:
        raise LockError('%s has no @EXPLICIT line, so it is no @EXPLICIT lock' % where)
    return checked_lock(packages, platform, where, 'after @EXPLICIT (a truncated file?)')


def checked_lock(packages, platform, where, empty_hint=''):
    """The ``ExplicitLock`` of ``packages`` (``(where in the lock, LockedPackage)`` pairs, in the lock's order);
    LockError, naming the entries, for what conda would fail on or install other than the lock says: a URL
    not of the form conda list --explicit writes, a package listed twice, packages of more than one
    platform, nothing listed. Shared by @EXPLICIT files and conda-lock files (whose conda entries are
    applied as the same lock)."""
    seen = {}
    for label, package in packages:
        if package.subdir not in SUBDIRS or not package.build:
            raise LockError('%s %s (%s) does not end in <channel>/<subdir>/<name>-<version>-<build> and '
                            'a package extension, as conda list --explicit writes every line'
                            % (where, label, mask_text(package.url)))
        if package.name in seen:
            raise LockError('%s lists %s twice (%s: %s, %s: %s); an env holds one build of each '
                            'package (conda fails with "Duplicate packages found")'
                            % (where, package.name, seen[package.name][0], seen[package.name][1], label,
                               package.dist))
        seen[package.name] = (label, package.dist)
    packages = [package for _label, package in packages]
    if not packages:
        raise LockError('%s lists no package%s; applying it would empty the env'
                        % (where, ' ' + empty_hint if empty_hint else ''))
    subdirs = sorted(set(package.subdir for package in packages if package.subdir != 'noarch'))
    if len(subdirs) > 1:
        examples = ['%s (%s)' % (next(p.dist for p in packages if p.subdir == subdir), subdir) for subdir in subdirs]
        raise LockError('%s mixes platforms: %s; an env holds the builds of one platform (and noarch)'
                        % (where, ', '.join(examples)))
    return ExplicitLock(packages, platform)


def file_refusal(package):
    """For a ``file://`` package: why the host cannot use it (missing, or not the hash the lock gives), or None.

    conda itself copies a local package without checking the lock's hash (real conda 26.7.1 links it
    and records the lock's md5), so the module checks it before conda runs.
    """
    if not package.url.lower().startswith('file://'):
        return None
    path = unquote(re.sub(r'^file://(localhost)?', '', package.url, flags=re.IGNORECASE))
    if not os.path.isfile(path):
        return 'package %s: %s is not on this host (%s)' % (package.dist, path, 'no such file')
    if not (package.md5 or package.sha256):
        return None
    digest = hashlib.sha256() if package.sha256 else hashlib.md5()
    with open(path, 'rb') as stream:
        for block in iter(lambda: stream.read(1 << 20), b''):
            digest.update(block)
    expected = package.sha256 or package.md5
    if digest.hexdigest() != expected:
        return ('package %s: %s has %s %s, the lock says %s (a corrupted or replaced file)'
                % (package.dist, path, 'sha256' if package.sha256 else 'md5', digest.hexdigest(), expected))
    return None


def subdir_refusal(host, wanted):
    """Why an env for ``wanted`` cannot work on a conda root of subdir ``host``, or None."""
    if wanted not in SUBDIRS or wanted == 'noarch':
        return 'subdir %s is not a platform conda builds envs for (one of %s)' % (
            wanted, ', '.join(subdir for subdir in SUBDIRS if subdir != 'noarch'))
    if host is None:
        return 'this host is of a platform conda has no subdir for, so an env for %s cannot be checked to run' % wanted
    if wanted == host or wanted in _ALSO_RUNS.get(host, ()):
        return None
    if host == 'osx-64' and wanted == 'osx-arm64':
        return ('subdir osx-arm64 cannot work on this Intel Mac: x86_64 cannot run arm64 code (only Apple silicon '
                'runs Intel code, under Rosetta 2)')
    return 'subdir %s cannot work on this %s host: its %s code does not run here' % (
        wanted, host, _MACHINES.get(wanted, wanted))


_SUBDIR_SETTING = re.compile(r'^subdir\s*:\s*(?P<value>.*?)\s*$')


def env_condarc(prefix):
    """The env's own ``.condarc``, which ``conda config --env`` writes (read by conda when the env is active)."""
    return os.path.join(prefix, '.condarc')


def recorded_subdir(prefix):
    """The ``subdir`` the env's own ``.condarc`` sets, or None; LockError when it sets it in a form we cannot read."""
    try:
        with open(env_condarc(prefix), 'rb') as stream:
            text = stream.read().decode('utf-8', 'replace')
    except OSError:
        return None
    for line in text.splitlines():
        match = _SUBDIR_SETTING.match(line)
        if match:
            value = re.split(r'\s+#', match.group('value'), 1)[0].strip().strip('\'"')
            if value not in SUBDIRS:
                raise LockError('%s sets subdir to %r, which is not a conda subdir' % (env_condarc(prefix), value))
            return value
    return None
