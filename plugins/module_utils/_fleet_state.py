# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The whole state of one conda installation, read from disk in one pass, and how far it is from a
declared list of envs (the miniconda role's ``miniconda_environments`` items).

A fleet run asks every host once instead of one module run per env: each env's files are read once
(records, history, config vars, site-packages metadata) and every answer is derived from that read.
The verdicts are those ``conda_env`` would reach before running anything, so ``converged`` means
``conda_env`` would spawn no conda and no pip process for that item.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import base64
import getpass
import grp
import hashlib
import os
import platform
import pwd
import re
import stat
import time

from ansible_collections.macfleet.conda.plugins.module_utils import _conda_prefix as prefix_reader
from ansible_collections.macfleet.conda.plugins.module_utils import _conda_root as conda_root
from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask_settings, mask_variable
from ansible_collections.macfleet.conda.plugins.module_utils._conda_plan import (
    ROOT_ESSENTIALS, parse_specs, prune_extras, split_by_verdict)
from ansible_collections.macfleet.conda.plugins.module_utils._conda_spec import KNOWN_SUBDIRS, SpecError
from ansible_collections.macfleet.conda.plugins.module_utils._env_spec import (
    EXCLUSIVE_SOURCES, EnvSpecError, declared_env, declared_variables, python_spec, variable_text)

ROOT_CONDARC_FILES = ('.condarc', 'condarc')
_CONDA_RECORD = re.compile(r'^conda-(\d[^-]*)-[^-]+\.json$')
STATES = ('present', 'absent')
# The role's miniconda_environments item keys (roles/miniconda/meta/argument_specs.yml)
ITEM_KEYS = ('name', 'state', 'python', 'packages', 'channels', 'override_channels', 'pip', 'variables',
             'file', 'src', 'spec', 'prune', 'update_all')


def _pip_plan():
    """The pip planner and its PEP 440/508 parsers, imported only for an env declared with pip packages: a
    module compiles every helper it imports from source on each host, and most envs declare none."""
    from ansible_collections.macfleet.conda.plugins.module_utils import _pip_plan as pip_plan
    return pip_plan


class DeclarationError(ValueError):
    """A declared item this module cannot read the way conda_env would; ``str()`` names the item."""


# -- the installation ------------------------------------------------------------------------

def root_platform(root_records, environ):
    """The subdir the root's conda works for: ``CONDA_SUBDIR``, else that of the root's own packages
    (an Intel Miniconda on Apple silicon is osx-64 whatever the host is), else the host's."""
    forced = environ.get('CONDA_SUBDIR')
    if forced in KNOWN_SUBDIRS:
        return forced
    return prefix_reader.records_platform(root_records, conda_root.host_subdir() or 'noarch')


def conda_version(root, root_records):
    """The version of the root's conda: its conda-meta record, else (conda installed by pip, as in a
    development checkout) its ``conda-*.dist-info``; None when neither is there."""
    record = next((rec for rec in root_records if rec.get('name') == 'conda'), None)
    if record is not None:
        return str(record.get('version'))
    # records conda cannot load (a file of 0.1.0 in conda-meta/) do not stop `conda --version`: the
    # record's file name still says which conda is there
    try:
        names = sorted(os.listdir(os.path.join(root, 'conda-meta')))
    except OSError:
        names = []
    for entry in names:
        match = _CONDA_RECORD.match(entry)
        if match:
            return match.group(1)
    lib = os.path.join(root, 'lib')
    try:
        pythons = sorted(entry for entry in os.listdir(lib) if entry.startswith('python'))
    except OSError:
        return None
    for python in pythons:
        site = os.path.join(lib, python, 'site-packages')
        try:
            infos = [entry for entry in os.listdir(site) if entry.startswith('conda-') and entry.endswith('.dist-info')]
        except OSError:
            continue
        for info in infos:
            version = info[len('conda-'):-len('.dist-info')]
            if version and '-' not in version:
                return version
    return None


def read_condarc(root):
    """``(path, masked text)`` of the root's .condarc, ``(None, None)`` when it has none."""
    for name in ROOT_CONDARC_FILES:
        path = os.path.join(root, name)
        try:
            with open(path, 'rb') as stream:
                return path, mask_settings(stream.read().decode('utf-8', 'replace'))
        except OSError:
            continue
    return None, None


def known_envs(root, home, environ):
    """``([(key, prefix)], warnings)``: base, then every env in the envs dirs, then those only
    ``environments.txt`` knows, as ``conda env list`` finds them.

    An env is keyed by its name where ``conda -n <name>`` reaches it (the first envs dir holding the
    name); one that no name reaches (outside the envs dirs, or a name already taken) by its prefix.
    """
    warnings = []
    try:
        dirs = conda_root.envs_dirs(root, home, environ)
    except conda_root.Undecided as exc:
        # no conda process runs here, so fall back to the dirs conda always searches, and say so
        dirs = [os.path.join(root, 'envs'), os.path.join(home, '.conda', 'envs')]
        warnings.append('The envs dirs were not read from the configuration (%s): only %s were searched, '
                        'with ~/.conda/environments.txt.' % (exc, ' and '.join(dirs)))
    found, seen = [('base', root)], {os.path.realpath(root)}

    def add(key, prefix):
        real = os.path.realpath(prefix)
        if real in seen:
            return
        seen.add(real)
        taken = any(known == key for known, _prefix in found)
        found.append((prefix if taken else key, prefix))

    for folder in dirs:
        try:
            entries = sorted(os.listdir(folder))
        except OSError:
            continue
        for entry in entries:
            prefix = os.path.join(folder, entry)
            if prefix_reader.is_env(prefix):
                add(entry, prefix)
    for prefix in conda_root.registered_envs(home):
        prefix = os.path.normpath(prefix)
        if prefix_reader.is_env(prefix):
            add(prefix, prefix)
    return found, warnings


# -- one env ---------------------------------------------------------------------------------

def _iso_utc(stamp):
    return time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(stamp))


def _mtime(path):
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None


def last_modified(prefix, history, python):
    """When the env last changed, ISO 8601 UTC: the latest of its last history entry and the times
    conda (records, history, config vars) and pip (site-packages) last wrote there."""
    meta = os.path.join(prefix, 'conda-meta')
    stamps = [prefix_reader.last_history_time(history), _mtime(meta), _mtime(os.path.join(meta, 'history')),
              _mtime(os.path.join(meta, 'state'))]
    if python is not None:
        stamps.append(_mtime(os.path.join(prefix, prefix_reader.site_packages_path(python).strip('/'))))
    stamps = [stamp for stamp in stamps if stamp is not None]
    return _iso_utc(max(stamps)) if stamps else None


class EnvState(object):
    """One env read once: its records, history, config vars and Python distributions.

    conda's own distributions matter only to judge pip requirements (a conda package meets one as
    much as a pip install does): without declarations (``conda_too=False``) their metadata is not read.
    """

    def __init__(self, prefix, conda_too=True):
        self.prefix = prefix
        self.error = None
        self.records, self.history, self.variables, self.distributions = [], '', {}, []
        self.stored_variables = {}
        try:
            self.records = prefix_reader.read_records(prefix)
            self.history = prefix_reader.read_history(prefix)
            # as conda stored them (an export keeps a number a number), and as text to compare
            self.stored_variables = prefix_reader.read_env_vars(prefix)
            self.variables = dict((name, variable_text(value)) for name, value in self.stored_variables.items())
        except prefix_reader.PrefixRecordError as exc:
            self.error = str(exc)
            return
        self.python = prefix_reader.python_record(self.records)
        self.distributions = prefix_reader.distributions(prefix, self.records, conda_too=conda_too)

    python = None

    def report(self, details=True):
        """The env as the module returns it; without ``details`` only where it is and when it changed."""
        if not details:
            result = {'exists': True, 'prefix': self.prefix,
                      'last_modified': last_modified(self.prefix, self.history, self.python)}
            if self.error:
                result['error'] = self.error
            return result
        names = [record['name'] for record in self.records]
        result = {
            'exists': True,
            'prefix': self.prefix,
            'packages': [{'name': record['name'], 'version': str(record.get('version')),
                          'build': str(record.get('build')), 'channel': prefix_reader.channel_name(record) or None}
                         for record in self.records],
            'requested': prefix_reader.requested_specs(self.history, names) if self.history else {},
            'pip_packages': [{'name': name, 'version': version}
                             for name, version in prefix_reader.pip_package_list(self.distributions)],
            'variables': dict((name, mask_variable(name, value)) for name, value in sorted(self.variables.items())),
            'last_modified': last_modified(self.prefix, self.history, self.python),
        }
        if self.error:
            result['error'] = self.error
        return result


def missing_report(details=True):
    """A declared env that does not exist: the same keys, empty."""
    if not details:
        return {'exists': False, 'prefix': None, 'last_modified': None}
    return {'exists': False, 'prefix': None, 'packages': [], 'requested': {}, 'pip_packages': [],
            'variables': {}, 'last_modified': None}


# -- declarations ----------------------------------------------------------------------------

def _unchanged_dropped(exc):
    # conda_env's messages end with what the task left alone; an info module changes nothing anyway
    return str(exc).replace('; nothing was changed.', '.').replace(' Nothing was changed.', '')


class Declaration(object):
    """One ``miniconda_environments`` item, read as conda_env reads its options."""

    def __init__(self, index, item):
        self.where = 'declared[%d]' % index
        if not isinstance(item, dict):
            raise DeclarationError('%s must be a mapping (a miniconda_environments item), got %s.'
                                   % (self.where, type(item).__name__))
        name = item.get('name')
        if not isinstance(name, str) or not name:
            raise DeclarationError('%s has no name: every item needs the name of its env.' % self.where)
        self.where = '%s (%s)' % (self.where, name)
        unknown = sorted(str(key) for key in item if key not in ITEM_KEYS)
        if unknown:
            raise DeclarationError('%s has keys a miniconda_environments item does not have: %s (known: %s).'
                                   % (self.where, ', '.join(unknown), ', '.join(ITEM_KEYS)))
        given = dict((key, value) for key, value in item.items() if value is not None)
        self.name = 'base' if name in conda_root.ROOT_NAMES else name
        reason = conda_root.bad_name_reason(name)
        if reason:
            raise DeclarationError('%s: invalid env name, %s.' % (self.where, reason))
        self.state = given.get('state', 'present')
        if self.state not in STATES:
            raise DeclarationError('%s: state must be one of %s, got %r.' % (self.where, ', '.join(STATES), self.state))
        for first, second in EXCLUSIVE_SOURCES:
            if first in given and second in given:
                raise DeclarationError('%s: %s and %s cannot be given together (as in conda_env).'
                                       % (self.where, first, second))
        if self.state == 'absent':
            contents = [key for key in ('python', 'packages', 'pip', 'variables', 'spec', 'file', 'src') if key in given]
            if contents:
                raise DeclarationError('%s: state=absent removes the whole env, so %s cannot be given with it.'
                                       % (self.where, ' and '.join(contents)))
        self.prune = self._flag(given, 'prune')
        self.update_all = self._flag(given, 'update_all')
        self.undecided = []
        self._read_contents(given)

    def _flag(self, given, key):
        value = given.get(key, False)
        if not isinstance(value, bool):
            raise DeclarationError('%s: %s must be true or false, got %r.' % (self.where, key, value))
        return value

    def _string_list(self, given, key):
        value = given.get(key, [])
        if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
            raise DeclarationError('%s: %s must be a list of strings, got %r.' % (self.where, key, value))
        return value

    def _invalid(self, exc):
        return DeclarationError('%s: %s.' % (self.where, _unchanged_dropped(exc).rstrip('.')))

    def _pip_request(self, pip):
        from ansible_collections.macfleet.conda.plugins.module_utils._pip_requirement import RequirementError

        try:
            return _pip_plan().PipRequest(pip)
        except RequirementError as exc:
            raise self._invalid(exc)

    def _read_contents(self, given):
        try:
            if 'spec' in given:
                declared = declared_env(given['spec'], '%s spec' % self.where)
                dependencies, pip, variables = declared.dependencies, declared.pip, declared.variables
            else:
                python = given.get('python')
                if python is not None and not isinstance(python, (str, int, float)):
                    raise DeclarationError('%s: python must be a version spec string, got %r.' % (self.where, python))
                dependencies = ([python_spec(python)] if python is not None else []) + self._string_list(given, 'packages')
                pip = self._string_list(given, 'pip') if 'pip' in given else None
                variables = None
            if 'variables' in given:
                variables = dict(variables or {}, **declared_variables(given['variables'], '%s variables' % self.where))
            self.specs = parse_specs(dependencies)
        except EnvSpecError as exc:  # its message already names the item (the source given above)
            raise DeclarationError(_unchanged_dropped(exc))
        except SpecError as exc:
            raise self._invalid(exc)
        self.pip_request = self._pip_request(pip) if pip is not None else None
        self.variables = variables
        for key in ('file', 'src'):
            if key in given:
                # YAML on the host (no parser there) or a file on the controller: not readable here
                self.undecided.append('%s %s (read by the controller: give its content as spec)' % (key, given[key]))
        if self.update_all:
            self.undecided.append('update_all (only conda can tell whether the channels have newer packages)')

    def requirement_text(self):
        """Everything declared, as ``unsatisfied`` lists it for an env that does not exist."""
        texts = [spec.original for spec in self.specs]
        texts += pip_texts(self.pip_request)
        texts += ['%s=%s (env var)' % (name, mask_variable(name, value))
                  for name, value in sorted((self.variables or {}).items())]
        return texts


def pip_texts(request):
    """The requirements of a pip request (option lines left out), as ``unsatisfied`` lists them."""
    if not request:
        return []
    return ['%s (pypi)' % line for line in
            [requirement.original for requirement in request.requirements] + list(request.undecidable)]


def declarations(items, refused=None):
    """Declarations for ``items``; DeclarationError for the first one that cannot be read, or a name
    declared twice.

    With ``refused`` (a dict), such an item is not an error: its message goes to ``refused`` under the
    env's name and the item is left out (the caller reports that env as undecided; conda_env, which
    the role runs for it, then fails with its own message).
    """
    declared, names = [], {}
    for index, item in enumerate(items or []):
        try:
            declaration = Declaration(index, item)
            if declaration.name in names:
                raise DeclarationError('%s: env %s is already declared by declared[%d]; declare each env once.'
                                       % (declaration.where, declaration.name, names[declaration.name]))
        except DeclarationError as exc:
            name = item.get('name') if isinstance(item, dict) else None
            if refused is None or not isinstance(name, str) or not name:
                raise
            refused['base' if name in conda_root.ROOT_NAMES else name] = str(exc)
            continue
        names[declaration.name] = index
        declared.append(declaration)
    # an env declared twice is undecided as a whole, its first item included
    return [declaration for declaration in declared if declaration.name not in (refused or {})]


def refused_verdict(message):
    """The verdict of an env whose declaration cannot be read here: undecided, saying why."""
    return {'declared_state': None, 'converged': False, 'unsatisfied': [], 'extraneous': [],
            'undecided': ['the declaration (%s)' % message]}


def verdict(declaration, state, is_root=False):
    """How far the env (an EnvState, None when it does not exist) is from ``declaration``.

    ``{converged, unsatisfied, undecided, extraneous}``: what conda_env would install or set, what
    only conda or pip could tell, and what its prune would remove; converged only when all are empty.
    """
    result = {'declared_state': declaration.state, 'unsatisfied': [], 'undecided': list(declaration.undecided),
              'extraneous': []}
    if declaration.state == 'absent':
        if state is not None:
            result['extraneous'].append('the env (declared absent)')
    elif state is None:
        result['unsatisfied'] = declaration.requirement_text()
        if not result['unsatisfied']:
            result['unsatisfied'] = ['the env (it does not exist)']
    elif state.error:
        result['undecided'].append('the env (its records cannot be read)')
    else:
        _compare(declaration, state, is_root, result)
    result['converged'] = not (result['unsatisfied'] or result['undecided'] or result['extraneous'])
    return result


def _compare(declaration, state, is_root, result):
    unsatisfied, undecided = split_by_verdict(declaration.specs, state.records)
    result['unsatisfied'] += [spec.original for spec in unsatisfied]
    result['undecided'] += [spec.original for spec in undecided]
    request = declaration.pip_request
    pip_plan = _pip_plan() if request else None
    environment = pip_plan.environment_of(state.python) if state.python is not None and request else None
    if request and environment is None:
        result['unsatisfied'] += pip_texts(request)
    elif request:
        plan = pip_plan.PipPlan(request, state.distributions, environment)
        result['unsatisfied'] += ['%s (pypi)' % line for line in plan.unmet]
        result['undecided'] += ['%s (pypi)' % line for line in plan.unknown]
    declared_vars = declaration.variables
    if declared_vars is not None:
        result['unsatisfied'] += ['%s=%s (env var)' % (name, mask_variable(name, value))
                                  for name, value in sorted(declared_vars.items())
                                  if state.variables.get(name) != value]
    if not declaration.prune:
        return
    if declaration.specs:
        keep = (('pip',) if request else ()) + (ROOT_ESSENTIALS if is_root else ())
        result['extraneous'] += prune_extras(state.records, declaration.specs, keep)
    if request and environment is not None:
        names = pip_plan.prune_names(request, state.distributions, environment)
        if names is None:
            result['undecided'].append('pip prune (a -r or -c file in the pip list is not read here)')
        else:
            result['extraneous'] += ['%s (pypi)' % name for name in names]
    if declared_vars is not None:
        result['extraneous'] += ['%s (env var)' % name for name in sorted(state.variables) if name not in declared_vars]


# -- what the miniconda role manages -----------------------------------------------------------

def _account_name(lookup, number):
    try:
        return lookup(number)[0]
    except KeyError:  # no name: compared as the number, which no declared name equals
        return str(number)


def _sha1(data):
    return hashlib.sha1(data).hexdigest()  # nosec: the checksum copy compares, not a secret's digest


def path_facts(path, content=False, block=None):
    """What ``copy``, ``file`` and ``blockinfile`` compare at ``path``: ``exists``, ``type`` (file,
    directory, other), ``owner``, ``group``, ``mode`` (``0644``), the sha1 ``checksum`` of a file
    (what copy compares), with ``content`` its bytes as base64 (slurp's ``content``), and with
    ``block`` (``{block, marker, marker_begin, marker_end}``) whether blockinfile would leave it as it is
    (``block_holds``). Symlinks are followed, as those modules follow them."""
    facts = {'path': path, 'exists': False, 'type': None, 'owner': None, 'group': None, 'mode': None,
             'checksum': None}
    if block is not None:
        facts['block_holds'] = False
    try:
        info = os.stat(path)
    except OSError:
        return facts
    kind = 'directory' if stat.S_ISDIR(info.st_mode) else 'file' if stat.S_ISREG(info.st_mode) else 'other'
    facts.update(exists=True, type=kind, owner=_account_name(pwd.getpwuid, info.st_uid),
                 group=_account_name(grp.getgrgid, info.st_gid), mode='%04o' % stat.S_IMODE(info.st_mode))
    if kind != 'file':
        return facts
    try:
        with open(path, 'rb') as stream:
            data = stream.read()
    except OSError:  # unreadable: nothing is known, so whoever writes it must look for themselves
        return facts
    facts['checksum'] = _sha1(data)
    if content:
        facts['content'] = base64.b64encode(data).decode('ascii')
    if block is not None:
        facts['block_holds'] = block_holds(data, **block)
    return facts


def block_holds(original, block, marker='# {mark} ANSIBLE MANAGED BLOCK', marker_begin='BEGIN', marker_end='END'):
    """Whether ``ansible.builtin.blockinfile`` (state=present, insertafter=EOF, no added newlines) would
    leave ``original`` (the file's bytes) unchanged: its own steps, replayed."""
    linesep = os.linesep.encode()
    marker0 = marker.replace('{mark}', marker_begin).encode('utf-8') + linesep
    marker1 = marker.replace('{mark}', marker_end).encode('utf-8') + linesep
    text = block.encode('utf-8')
    if not text:
        return False  # blockinfile would remove the block: never what the role asks
    if not text.endswith(linesep):
        text += linesep
    blocklines = [marker0] + text.splitlines(True) + [marker1]
    lines = original.splitlines(True)
    first = last = None
    for index, line in enumerate(lines):
        if line == marker0:
            first = index
        if line == marker1:
            last = index
    if None in (first, last):
        start = len(lines)
    elif first < last:
        lines[first:last + 1] = []
        start = first
    else:
        lines[last:first + 1] = []
        start = last
    if start > 0 and not lines[start - 1].endswith(linesep):
        lines[start - 1] += linesep
    lines[start:start] = blocklines
    return b''.join(lines) == original


def owner_group(owner):
    """The primary group of account ``owner`` (``id -gn``), None when there is no such account."""
    try:
        return _account_name(grp.getgrgid, pwd.getpwnam(owner).pw_gid)
    except KeyError:
        return None


def host_facts(environ=None):
    """The few facts the miniconda role decides by, named and found as ansible.builtin.setup finds them
    (its platform and user subsets: ``platform.system()``, ``platform.machine()``, ``getpass.getuser()``),
    so a role run that has no facts yet learns them from this one module run instead of a setup run.
    ``user_group`` is the primary group of ``user_id`` (``id -gn``); ``env`` holds ``SUDO_USER`` only, when set."""
    environ = os.environ if environ is None else environ
    user = getpass.getuser()
    return {'system': platform.system(), 'architecture': platform.machine(), 'user_id': user,
            'user_group': owner_group(user),
            'env': dict((key, environ[key]) for key in ('SUDO_USER',) if key in environ)}


def base_verdict(specs, state):
    """How far base (an EnvState, None when there is none) is from ``specs``, as conda_package
    state=present decides: ``{converged, unsatisfied, undecided}``."""
    result = {'converged': False, 'unsatisfied': [], 'undecided': []}
    try:
        parsed = parse_specs(specs)
    except SpecError as exc:
        result['undecided'].append('the specs (%s)' % exc)
        return result
    if state is None:
        result['unsatisfied'] = [spec.original for spec in parsed]
    elif state.error:
        result['undecided'].append('base (its records cannot be read)')
    else:
        unsatisfied, undecided = split_by_verdict(parsed, state.records)
        result['unsatisfied'] = [spec.original for spec in unsatisfied]
        result['undecided'] = [spec.original for spec in undecided]
    result['converged'] = not (result['unsatisfied'] or result['undecided'])
    return result


def _mode_text(mode):
    """An octal mode as the role writes it (``"0644"``, ``0o644``) as ``0644``; None for a symbolic one."""
    if isinstance(mode, int) and not isinstance(mode, bool):
        return '%04o' % mode
    if isinstance(mode, str) and re.match(r'^0?[0-7]{3,4}$', mode):
        return '%04o' % int(mode, 8)
    return None


def export_verdict(export, state):
    """Whether conda_export of ``export`` (its options: environment, dest, format, from_history,
    no_builds, owner, group, mode) would leave its dest as it is, the env being ``state`` (an EnvState,
    None when it does not exist): ``{dest, converged, reason}``, reason saying what differs."""
    dest = export['dest']
    result = {'environment': export['environment'], 'dest': dest, 'converged': False, 'reason': '',
              'owner': None, 'group': None, 'mode': None}
    if state is None or state.error:
        result['reason'] = 'the env does not exist or cannot be read'
        return result
    fmt = export.get('format') or 'environment'
    # the renderer only where an export is compared: most converged runs compare none
    from ansible_collections.macfleet.conda.plugins.module_utils._export_render import render_export
    try:
        content = render_export(export['environment'], state.records, fmt, bool(export.get('from_history')),
                                bool(export.get('no_builds')), state.history,
                                prefix_reader.pip_package_list(state.distributions), state.stored_variables)[0]
    except Exception as exc:  # pylint: disable=broad-except  # conda_export says it in its own words
        result['reason'] = 'the env cannot be exported: %s' % exc
        return result
    facts = path_facts(dest)
    # the file's owner, group and mode too: a caller that learns the group later compares it itself
    result.update((key, facts[key]) for key in ('owner', 'group', 'mode'))
    wanted = dict((key, export.get(key)) for key in ('owner', 'group') if export.get(key))
    if export.get('mode') is not None:
        wanted['mode'] = _mode_text(export['mode'])
    if facts['type'] != 'file':
        result['reason'] = 'no file at dest'
    elif facts['checksum'] != _sha1(content.encode('utf-8')):
        result['reason'] = 'its content differs'
    elif None in wanted.values():
        result['reason'] = 'a symbolic mode (only the module applies it)'
    else:
        differing = sorted(key for key, value in wanted.items() if facts[key] != value)
        result['reason'] = ', '.join('%s is %s, not %s' % (key, facts[key], wanted[key]) for key in differing)
    result['converged'] = not result['reason']
    return result
