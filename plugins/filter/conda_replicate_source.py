# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which export stored by ``playbooks/export.yml`` a host of a mixed fleet gets for each env: a lock of its own
platform (``osx-arm64`` or ``osx-64``) when there is one, else the platform-neutral environment.yml.

Why a filter: the choice is a pure function of the stored files and the host's platform, so it is unit tested
with files in a temporary folder and no host, and ``replicate.yml`` applies it with one ``set_fact`` and no
module run (the files are on the controller, where filters run). The files are read by content, as conda_env
reads them (a line ``@EXPLICIT``; a mapping with ``metadata`` and ``package``), not by their names alone, so a
lock's platform is the one its packages say, never a guess from the reference host's name.
"""
from __future__ import annotations

DOCUMENTATION = r'''
name: conda_replicate_source
short_description: Choose, per env, the stored export a host of a mixed-architecture fleet applies
version_added: 0.3.0
author: macfleet.conda maintainers
description:
  - Given env names, reads what C(playbooks/export.yml) stored on the controller and chooses, for one host's
    platform, the file each env is converged from, as C(playbooks/replicate.yml) applies it with
    M(macfleet.conda.conda_env).
  - "Looked at, in this order: the merged C(<lock_dir>/<env>/conda-lock.yml) (C(conda_export_lock_dir)); for each
    reference in O(references), C(<export_dir>/<reference>/<env>.txt) (an C(@EXPLICIT) lock, C(conda_export_format=explicit))
    and C(<export_dir>/<reference>/<env>.conda-lock.yml) (C(conda_export_format=conda-lock)); then the first
    C(<export_dir>/<reference>/<env>.yml) (an environment.yml, the default C(conda_export_format))."
  - A lock fits a host when it holds packages for the host's platform (a conda-lock file's platforms; an
    C(@EXPLICIT) file's packages, else its C(# platform) line). Exact builds never move between platforms.
  - An environment.yml pins builds when a conda dependency is C(name=version=build) (an export without
    C(from_history) or C(no_builds)); those builds are of the reference's platform, so they are dropped where
    the mode allows it (C(name=version), what C(conda env export --no-builds) writes) and refused where not.
  - A file that is missing is skipped; one that cannot be read as what its content says is refused, naming it.
options:
  _input:
    description: The names of the envs to replicate.
    type: list
    elements: str
    required: true
  platform:
    description:
      - The host's conda platform (subdir), for example V(osx-arm64) or V(osx-64). Empty means the one O(facts)
        give.
    type: str
    default: ""
  facts:
    description:
      - The host's facts (C(ansible_facts)); C(system) and C(architecture) give the platform when O(platform) is
        empty (C(Darwin)/C(arm64) is V(osx-arm64), C(Darwin)/C(x86_64) is V(osx-64)).
    type: dict
    default: {}
  mode:
    description:
      - V(auto) a lock of the host's platform when one is stored, else the environment.yml, its builds dropped if
        it pins any. Safe on a fleet of several platforms, the default.
      - V(lock) a lock of the host's platform, refused when none is stored.
      - V(from_history) the environment.yml as it is, refused when it pins builds (export it with
        C(conda_export_from_history=true)).
      - V(no_builds) the environment.yml, its builds dropped if it pins any.
    type: str
    default: auto
    choices: [auto, lock, from_history, no_builds]
  export_dir:
    description: The folder C(conda_export_dir) of C(playbooks/export.yml) (absolute path); empty for none.
    type: str
    default: ""
  lock_dir:
    description: The folder C(conda_export_lock_dir) of C(playbooks/export.yml) (absolute path); empty for none.
    type: str
    default: ""
  references:
    description:
      - The inventory names of the reference hosts whose folders under O(export_dir) are read, in order of preference
        (one per platform on a mixed fleet). A string is one name.
    type: raw
    default: []
  host:
    description: The host's inventory name, named in refusals.
    type: str
    default: ""
'''

EXAMPLES = r'''
- name: Choose each env's stored export for this host's platform
  ansible.builtin.set_fact:
    conda_replicate_sources: >-
      {{ ['myenv'] | macfleet.conda.conda_replicate_source(facts=ansible_facts, export_dir='/srv/conda-envs',
         references=['mac-arm-ref', 'mac-intel-ref'], host=inventory_hostname) }}
  # On an Intel Mac, with only the Apple silicon reference's @EXPLICIT lock and its environment.yml stored:
  # {"myenv": {"kind": "environment", "path": "/srv/conda-envs/mac-arm-ref/myenv.yml", "spec": {...},
  #            "platform": "osx-64", "builds_dropped": true, "refusal": "",
  #            "why": "no lock for osx-64 is stored; the environment.yml without builds"}}
'''

RETURN = r'''
_value:
  description: Env name to the choice for it.
  type: dict
  contains:
    kind:
      description: V(conda_lock), V(explicit) or V(environment) (pass RV(_value.path) as conda_env's C(src) for a
        lock, RV(_value.spec) as its C(spec) for an environment.yml); empty when refused.
      type: str
    path:
      description: The stored file chosen.
      type: str
    spec:
      description: For V(environment), the environment.yml's content, builds dropped when RV(_value.builds_dropped).
      type: dict
    builds_dropped:
      description: True when the environment.yml pinned builds and they were dropped.
      type: bool
    platform:
      description: The host's platform the choice is for.
      type: str
    why:
      description: The choice in words, for the run's output.
      type: str
    refusal:
      description: Why no stored file can be applied to this env on this host (naming host, platform and env); empty
        when one can.
      type: str
'''

import os
import re
from collections.abc import Mapping

import yaml
from ansible.errors import AnsibleFilterError

MODES = ('auto', 'lock', 'from_history', 'no_builds')
# ansible_facts system, architecture -> conda's subdir, as conda_env's module tells the host's
FACT_PLATFORMS = {('Darwin', 'arm64'): 'osx-arm64', ('Darwin', 'aarch64'): 'osx-arm64', ('Darwin', 'x86_64'): 'osx-64',
                  ('Linux', 'x86_64'): 'linux-64', ('Linux', 'aarch64'): 'linux-aarch64',
                  ('Linux', 'arm64'): 'linux-aarch64'}
# name=version=build, a channel prefix allowed; any operator or bracket makes it a requested spec, not an export pin
_EXACT = re.compile(r'^(?P<pin>(?:[^\s:=<>!~*\[,|]+::)?[^\s=<>!~*\[,|]+=[^\s=<>!~*\[,|]+)=[^\s=<>!~*\[,|]+$')


def _fail(msg):
    raise AnsibleFilterError('conda_replicate_source: %s' % msg)


def _plain(value):
    """Plain dicts and lists: Ansible 2.19 hands filters lazy containers."""
    if isinstance(value, Mapping):
        return dict((str(key), _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _read(path):
    try:
        with open(path, encoding='utf-8') as stream:
            return stream.read()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        _fail('cannot read the stored export %s: %s' % (path, exc))


def host_platform(platform, facts):
    """The host's subdir: ``platform`` when given, else from the facts; AnsibleFilterError when neither says."""
    if platform:
        return platform
    facts = facts or {}
    found = FACT_PLATFORMS.get((facts.get('system'), facts.get('architecture')))
    if not found:
        _fail('no conda platform for system %r, architecture %r: give the platform (conda_replicate_platform).'
              % (facts.get('system'), facts.get('architecture')))
    return found


def _lock_platforms(path, text):
    """The platforms a stored lock holds packages for; ``(kind, platforms)``, kind None for an environment.yml."""
    # imported here: Ansible loads every file of this folder to find any one filter (the role's too), in every worker
    from ansible_collections.macfleet.conda.plugins.module_utils._explicit_lock import LockError, is_explicit, parse_lock

    if is_explicit(text):
        try:
            lock = parse_lock(text.splitlines(), path)
        except LockError as exc:
            raise ValueError(str(exc))
        return 'explicit', [lock.subdir] if lock.subdir else []
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError('%s is not valid YAML: %s' % (path, ' '.join(str(exc).split())))
    if isinstance(data, Mapping) and 'metadata' in data and 'package' in data:
        metadata = data.get('metadata') or {}
        packages = data.get('package') or []
        return 'conda_lock', sorted(set(
            [platform for platform in metadata.get('platforms') or [] if isinstance(platform, str)]
            + [entry.get('platform') for entry in packages if isinstance(entry, Mapping) and entry.get('platform')]))
    return None, data


def _without_builds(spec):
    """``(spec, dropped)``: the environment.yml's conda dependencies ``name=version=build`` as ``name=version``."""
    dependencies = spec.get('dependencies') or []
    out = []
    dropped = False
    for dependency in dependencies:
        match = _EXACT.match(dependency) if isinstance(dependency, str) else None
        if match:
            dependency = match.group('pin')
            dropped = True
        out.append(dependency)
    return dict(spec, dependencies=out), dropped


def _choose(env, platform, mode, candidates, host):
    """The choice for one env from its ``[(path, text)]`` stored files (missing ones left out)."""
    where = 'host %s (platform %s), env %s' % (host or 'this host', platform, env)
    locks = []
    environment = None
    for path, text in candidates:
        try:
            kind, found = _lock_platforms(path, text)
        except ValueError as exc:
            return {'refusal': 'For %s the stored export %s cannot be read: %s. Export it again.' % (where, path, exc)}
        if kind:
            locks.append((kind, path, found))
        elif environment is None:
            if not isinstance(found, Mapping) or not isinstance(found.get('dependencies', []), list):
                return {'refusal': 'For %s the stored export %s is neither a lock nor an environment.yml (a mapping '
                                   'with dependencies). Export it again.' % (where, path)}
            environment = (path, found)
    if mode in ('auto', 'lock'):
        for kind, path, platforms in locks:
            if platform in platforms:
                return {'kind': kind, 'path': path, 'why': 'the %s lock %s' % (platform, path)}
        if mode == 'lock' or environment is None:
            stored = '; '.join('%s holds %s' % (path, ', '.join(platforms) or 'no platform')
                               for _kind, path, platforms in locks) or 'no lock is stored'
            return {'refusal': 'For %s no lock of %s is stored (%s)%s. Export a lock on a reference host of %s '
                               '(playbooks/export.yml with conda_export_format=explicit or conda_export_lock_dir)%s.'
                               % (where, platform, stored, '' if mode == 'lock' else ', nor an environment.yml',
                                  platform, ', or set conda_replicate_mode=auto to fall back to the environment.yml'
                                  if mode == 'lock' else '')}
    if environment is None:
        return {'refusal': 'For %s no environment.yml is stored (conda_replicate_mode=%s needs one). Export one with '
                           'playbooks/export.yml (conda_export_format=environment, conda_export_from_history=true).'
                           % (where, mode)}
    path, spec = environment
    neutral, dropped = _without_builds(spec)
    if dropped and mode == 'from_history':
        return {'refusal': 'For %s the stored environment.yml %s pins builds (name=version=build) of its reference\'s '
                           'platform, and conda_replicate_mode=from_history applies it as it is. Export it with '
                           'conda_export_from_history=true, or set conda_replicate_mode=no_builds.' % (where, path)}
    return {'kind': 'environment', 'path': path, 'spec': neutral, 'builds_dropped': dropped,
            'why': '%sthe environment.yml %s%s' % (
                'no lock of %s is stored; ' % platform if mode == 'auto' else '', path,
                ' without its builds' if dropped else '')}


def conda_replicate_source(envs, platform='', facts=None, mode='auto', export_dir='', lock_dir='', references=(),
                           host=''):
    """Env name -> the stored export this host applies (see DOCUMENTATION)."""
    envs = _plain(envs)
    if isinstance(envs, str):
        envs = [envs]
    if mode not in MODES:
        _fail('mode must be one of %s, not %r.' % (', '.join(MODES), mode))
    references = _plain(references) or []
    if isinstance(references, str):
        references = [references]
    platform = host_platform(platform, _plain(facts))
    chosen = {}
    for env in envs:
        paths = [os.path.join(lock_dir, env, 'conda-lock.yml')] if lock_dir else []
        if export_dir:
            for reference in references:
                paths += [os.path.join(export_dir, reference, env + '.txt'),
                          os.path.join(export_dir, reference, env + '.conda-lock.yml')]
            paths += [os.path.join(export_dir, reference, env + '.yml') for reference in references]
        candidates = [(path, text) for path, text in ((path, _read(path)) for path in paths) if text is not None]
        choice = {'kind': '', 'path': '', 'spec': None, 'builds_dropped': False, 'why': '', 'refusal': ''}
        choice.update(_choose(env, platform, mode, candidates, host), platform=platform)
        chosen[env] = choice
    return chosen


class FilterModule(object):
    """The replicate playbook's choice of stored export."""

    def filters(self):
        return {'conda_replicate_source': conda_replicate_source}
