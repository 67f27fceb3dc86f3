# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one reader of a conda prefix: its package records, its history, its config vars, what pip installed in it.

Read exactly as conda reads them, without running conda: reading ``conda-meta/*.json`` takes well
under a millisecond where ``conda list`` costs ~0.3 s, and a converged fleet run should spawn no
conda at all. Where conda fails on a file, so does this reader (PrefixRecordError): no decision is
ever made from a partial read.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import ast
import datetime
import json
import os
import re
import time

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask_text
from ansible_collections.macfleet.conda.plugins.module_utils._conda_spec import (
    DEFAULT_CHANNEL_ALIAS, channel_without_subdir, spec_name)
from ansible_collections.macfleet.conda.plugins.module_utils._conda_version import RELATION_RE

_HISTORY_HEADER = re.compile(r'==>\s*(.+?)\s*<==')
_HISTORY_DATE = re.compile(r'(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$')
_COMMAND = re.compile(r'#\s*cmd:\s*(.+)')
_SPECS = re.compile(r'#\s*(\w+)\s*specs:\s*(.+)?')
_ADDING = ('update', 'install', 'create')
_REMOVING = ('remove', 'uninstall')
_ANCHOR_ENDINGS = ('.dist-info/RECORD', '.egg-info/PKG-INFO', '.egg-info')
_METADATA_HEADER = re.compile(r'^(?P<key>[A-Za-z][\w-]*):\s*(?P<value>.*?)\s*$')


# -- package records (conda-meta/*.json) ----------------------------------------------------------

def is_env(prefix):
    """True when ``prefix`` is a conda env (conda's own test: it has ``conda-meta/history``)."""
    return bool(prefix) and os.path.isfile(os.path.join(prefix, 'conda-meta', 'history'))


class PrefixRecordError(Exception):
    """A ``conda-meta/*.json`` that conda itself fails on: the env cannot be read, so nothing is decided."""

    def __init__(self, msg, path):
        super(PrefixRecordError, self).__init__(msg)
        self.path = path


def _corrupt(prefix, path, why):
    return PrefixRecordError(
        'The conda env at %s is corrupted: %s %s (conda fails the same way, with CorruptedEnvironmentError; '
        'a conda process killed in the middle of a transaction leaves such a file). Reinstall that package '
        '(conda install --force-reinstall) or recreate the env; nothing was changed.' % (prefix, path, why), path)


def _foreign(prefix, path, why):
    return PrefixRecordError(
        '%s is not a conda package record: %s, and conda itself crashes on any such file in conda-meta. '
        'Move it out of %s (only conda writes there); nothing was changed.'
        % (path, why, os.path.join(prefix, 'conda-meta')), path)


def _load_record(prefix, path):
    """One record as conda's PrefixData._load_single_record reads it; None when conda ignores it."""
    try:
        with open(path, 'rb') as stream:
            data = stream.read()
    except OSError as exc:
        raise PrefixRecordError('Cannot read %s: %s; conda cannot read this env either. Fix the file\'s '
                                'permissions or move it out of %s; nothing was changed.'
                                % (path, exc.strerror or exc, os.path.dirname(path)), path)
    try:
        record = json.loads(data)  # bytes: the encoding is detected like conda does
    except ValueError as exc:  # bad JSON or bad UTF-8
        raise _corrupt(prefix, path, 'is not valid JSON (%s)' % exc)
    parts = os.path.basename(path)[:-len('.json')].rsplit('-', 2)
    if len(parts) != 3:
        raise _foreign(prefix, path, 'its file name is not <name>-<version>-<build>.json')
    if not isinstance(record, dict):
        raise _foreign(prefix, path, 'it holds a JSON %s, not an object' % type(record).__name__)
    missing = [key for key in ('name', 'version', 'build') if key not in record]
    if missing:
        raise _foreign(prefix, path, 'it has no %s' % ' or '.join(missing))
    if tuple(parts) != (record['name'], record['version'], record['build']):
        return None  # conda: "Ignoring malformed prefix record"
    return record


def read_records(prefix):
    """The installed package records of ``prefix`` (``conda-meta/*.json``), sorted by name.

    Read exactly as conda reads them: every ``*.json`` not starting with ``._``; a record whose
    name, version and build differ from its file name is ignored (conda warns and ignores it);
    anything conda fails on (bad JSON or UTF-8, an unreadable file, a name that is not
    ``name-version-build``, a record without name/version/build) raises PrefixRecordError, so no
    decision is ever made from a partial read.
    """
    meta = os.path.join(prefix, 'conda-meta')
    records = {}
    try:
        names = sorted(os.listdir(meta))
    except OSError:
        return []
    for entry in names:
        if not entry.endswith('.json') or entry.startswith('._'):
            continue
        record = _load_record(prefix, os.path.join(meta, entry))
        if record is not None:
            records[record['name']] = record
    return [records[name] for name in sorted(records)]


def channel_name(record):
    """The channel of ``record`` as an environment.yml names it: subdir dropped, short for conda.anaconda.org."""
    channel = channel_without_subdir(mask_text(str(record.get('channel') or '')), record.get('subdir'))
    # conda.anaconda.org is conda's default channel_alias: a channel there is known by its short name.
    if channel.startswith(DEFAULT_CHANNEL_ALIAS):
        channel = channel[len(DEFAULT_CHANNEL_ALIAS):]
    return channel


def records_platform(records, fallback):
    """The platform (subdir) of the env's packages, the host's ``fallback`` when all are noarch."""
    counts = {}
    for record in records:
        subdir = record.get('subdir')
        if subdir and subdir != 'noarch':
            counts[subdir] = counts.get(subdir, 0) + 1
    return min(counts, key=lambda subdir: (-counts[subdir], subdir)) if counts else fallback


# -- history (conda-meta/history) ----------------------------------------------------------------

def read_history(prefix):
    """The text of ``prefix``'s ``conda-meta/history``, '' when there is none."""
    try:
        with open(os.path.join(prefix, 'conda-meta', 'history'), 'rb') as stream:
            return stream.read().decode('utf-8', 'replace')
    except OSError:
        return ''


def last_history_time(text):
    """Seconds since the epoch of the history's last ``==> date <==`` header (conda writes the host's local
    time), None where there is none or its date is impossible."""
    for line in reversed(text.splitlines()):
        header = _HISTORY_HEADER.match(line.strip())
        date = _HISTORY_DATE.match(header.group(1)) if header else None
        if date:
            try:
                # datetime validates as strptime would, without compiling _strptime on every host
                return time.mktime(datetime.datetime(*(int(part) for part in date.groups())).timetuple())
            except (ValueError, OverflowError):
                return None
    return None


def _old_format_specs(text):
    # conda < 4.5 wrote "python>=3.5,jupyter >=1.0,<2.0": a piece starting with an operator continues
    # the spec before it.
    specs = []
    for piece in text.split(','):
        if specs and RELATION_RE.match(piece):
            specs[-1] = specs[-1] + ',' + piece
        else:
            specs.append(piece)
    return specs


def _specs_of(text):
    text = (text or '').strip()
    if text.startswith('['):
        try:
            specs = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return []
        specs = [spec for spec in specs if isinstance(spec, str)]
    elif '[' in text:
        # conda itself gives up on these (a bracket spec in the old comma format is ambiguous)
        return []
    else:
        specs = _old_format_specs(text)
    return [spec.strip() for spec in specs if spec.strip() and not spec.strip().endswith('@')]


def user_requests(text):
    """The requests in a history text, oldest first: ``[{'add': [...], 'remove': [...], 'neutered': [...]}]``.

    Like conda, a block counts only when it records the command that made it (``# cmd:``).
    """
    blocks = []
    for line in text.splitlines():
        line = line.strip()
        if _HISTORY_HEADER.match(line):
            blocks.append({'cmd': False, 'add': [], 'remove': [], 'neutered': []})
        elif blocks and line.startswith('#'):
            if _COMMAND.match(line):
                blocks[-1]['cmd'] = True
            match = _SPECS.match(line)
            if match:
                action, specs = match.group(1), _specs_of(match.group(2))
                key = 'add' if action in _ADDING else 'remove' if action in _REMOVING else \
                    'neutered' if action == 'neutered' else None
                if key:
                    blocks[-1][key] = specs
    return [dict((key, block[key]) for key in ('add', 'remove', 'neutered')) for block in blocks if block['cmd']]


def requested_specs(text, installed_names):
    """``{name: spec}`` the user asked for, in the order first asked, as conda's ``get_requested_specs_map``.

    The last request for a name wins, a removal forgets it, a neutered spec (conda relaxing a pin
    during ``update --all``) replaces it, and names no longer installed are dropped.
    Specs keep the text conda recorded.
    """
    specs = {}
    for request in user_requests(text):
        for spec in request['remove']:
            specs.pop(spec_name(spec), None)
        for key in ('add', 'neutered'):
            for spec in request[key]:
                name = spec_name(spec)
                if name and name != '*':
                    specs[name] = spec
    installed = set(installed_names)
    return dict((name, spec) for name, spec in specs.items() if name in installed)


# -- config vars (conda-meta/state) --------------------------------------------------------------

# What ``conda env config vars unset`` leaves in the state for a variable it removed (recording 103).
UNSET_VALUE = '***unset***'


def read_env_vars(prefix):
    """The env's config vars as ``conda env config vars list`` gives them (recordings 96, 104).

    conda-meta/state is ``{"env_vars": {...}}`` (97, 100); an unset variable stays as ``***unset***``
    and is left out, as conda's PrefixData.get_environment_env_vars does. Values keep their JSON
    type (an env file's ``42`` is stored as a number, 100). A state conda fails on raises
    PrefixRecordError.
    """
    path = os.path.join(prefix, 'conda-meta', 'state')
    try:
        with open(path, 'rb') as stream:
            data = stream.read()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise PrefixRecordError('Cannot read %s: %s; conda cannot read this env\'s config vars either; nothing '
                                'was changed.' % (path, exc.strerror or exc), path)
    try:
        state = json.loads(data)
    except ValueError as exc:
        raise _corrupt(prefix, path, 'is not valid JSON (%s)' % exc)
    env_vars = state.get('env_vars') if isinstance(state, dict) else None
    if env_vars is None:
        return {}
    if not isinstance(env_vars, dict):
        raise _corrupt(prefix, path, 'holds env_vars that are not a mapping')
    return dict((name, value) for name, value in env_vars.items() if value != UNSET_VALUE)


# -- what pip installed (site-packages) ----------------------------------------------------------

def normalized_name(name):
    """A distribution's PEP 503 name, as conda lists a pip package (``Foo_Bar.baz`` -> ``foo-bar-baz``)."""
    return re.sub(r'[-_.]+', '-', name).lower()


def site_packages_path(python):
    """``lib/pythonX.Y/site-packages`` (relative to the prefix) of the env's python record."""
    recorded = python.get('python_site_packages_path')
    if recorded:
        return recorded
    major_minor = '.'.join(str(python.get('version', '')).split('.')[:2])
    return 'lib/python%s/site-packages' % major_minor


def _site_anchors(prefix, site):
    anchors = set()
    try:
        entries = os.listdir(os.path.join(prefix, site))
    except OSError:
        return anchors
    for entry in entries:
        path = os.path.join(prefix, site, entry)
        if entry.endswith('.dist-info') and os.path.isfile(os.path.join(path, 'RECORD')):
            anchors.add('%s/%s/RECORD' % (site, entry))
        elif entry.endswith('.egg-info'):
            if os.path.isfile(os.path.join(path, 'PKG-INFO')):
                anchors.add('%s/%s/PKG-INFO' % (site, entry))
            elif os.path.isfile(path):
                anchors.add('%s/%s' % (site, entry))
    return anchors


class Distribution(object):
    """One installed Python distribution of the env: its metadata, and whether a conda package owns it."""

    def __init__(self, name, version, requires, by_conda, direct_url):
        self.name = name              # as conda lists pip packages (normalized_name)
        self.version = version
        self.requires = requires      # its Requires-Dist lines
        self.by_conda = by_conda      # its metadata is a file of a conda package record
        self.direct_url = direct_url  # the URL a pip install from a URL, path or VCS recorded (PEP 610)


def _headers(text):
    headers = {}
    for line in text.splitlines():
        if not line.strip():
            break
        match = _METADATA_HEADER.match(line)
        if match:
            headers.setdefault(match.group('key').lower(), []).append(match.group('value'))
    return headers


def _read_text(path):
    try:
        with open(path, 'rb') as stream:
            return stream.read().decode('utf-8', 'replace')
    except OSError:
        return None


def _direct_url(prefix, folder):
    text = _read_text(os.path.join(prefix, folder, 'direct_url.json')) if folder.endswith('.dist-info') else None
    try:
        return json.loads(text).get('url') if text else None
    except (ValueError, AttributeError):
        return None


def _distribution(prefix, anchor, by_conda):
    folder = os.path.dirname(anchor)
    candidate = os.path.join(folder, 'METADATA') if folder.endswith('.dist-info') else anchor
    text = _read_text(os.path.join(prefix, candidate))
    headers = _headers(text) if text else {}
    if not (headers.get('name') and headers.get('version')):
        return None
    return Distribution(normalized_name(headers['name'][0]), headers['version'][0], headers.get('requires-dist', []),
                        by_conda, _direct_url(prefix, folder) if not by_conda else None)


def python_record(records):
    """The env's ``python`` record, or None (an env without python has no Python distributions)."""
    return next((record for record in records if record.get('name') == 'python'), None)


def distributions(prefix, records, conda_too=True):
    """Every Python distribution installed in ``prefix``'s site-packages, conda's and pip's, sorted by name.

    pip sees them all: a conda package satisfies a pip requirement as much as a pip-installed one.
    ``records`` are the prefix's conda records. Without ``conda_too`` the metadata of conda's
    distributions is not even read (an env of 300 conda packages is 300 files fewer to open).
    """
    python = python_record(records)
    if python is None:
        return []
    site = site_packages_path(python).strip('/')
    conda_files = set()
    for record in records:
        conda_files.update(path for path in record.get('files') or () if path.endswith(_ANCHOR_ENDINGS))
    found = {}
    for anchor in sorted(_site_anchors(prefix, site)):
        if anchor in conda_files and not conda_too:
            continue
        dist = _distribution(prefix, anchor, anchor in conda_files)
        if dist and (dist.name not in found or not dist.by_conda):
            found[dist.name] = dist
    return [found[name] for name in sorted(found)]


def pip_package_list(dists):
    """``[(name, version)]`` of the distributions pip installed, out of ``dists``."""
    return [(dist.name, dist.version) for dist in dists if not dist.by_conda]


def pip_packages(prefix, records):
    """``[(name, version)]`` of the packages pip installed in ``prefix``, sorted by name.

    ``records`` are the prefix's conda records; an env without python has no pip packages.
    """
    return pip_package_list(distributions(prefix, records, conda_too=False))
