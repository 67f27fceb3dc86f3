#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

DOCUMENTATION = r'''
module: conda_export
short_description: Export a conda environment as an environment.yml, an @EXPLICIT lock or a conda-lock file
version_added: 0.1.0
description:
  - Writes (or only returns) the specification of an existing conda env, to share it and to recreate it
    elsewhere with M(macfleet.conda.conda_env) (O(macfleet.conda.conda_env#module:file)) or C(conda env create -f).
  - The env's C(conda-meta) records and history are read directly; no conda process runs for an env given
    by O(prefix), nor for a named env whose location the C(.condarc) files settle.
  - Like conda (C(CorruptedEnvironmentError)), a record it cannot read (bad JSON, a file in C(conda-meta)
    that is no package record) fails the task with a message naming the file; nothing is written, so an
    export never lacks a package.
  - The file is written atomically; when writing fails (a full disk, no permission) the message names the
    file and the old one is left as it was.
  - The same env always gives the same bytes (sorted entries, no timestamps, no host paths), so a second
    run is C(ok) and C(changed) means the env really changed.
  - Unlike C(conda env export), a missing env is an error, C(from_history) keeps the channels, the
    pip packages and the config vars, and credentials in channel URLs are masked.
options:
  environment:
    description:
      - Name of the env to export (C(base) is the root env).
      - With neither O(environment) nor O(prefix), the root env is exported.
    type: str
    aliases: [name]
  prefix:
    description:
      - Absolute path of the env to export; a relative path is refused.
    type: path
  dest:
    description:
      - Path of the file to write on the managed host. Its folder must exist.
      - Without it the export is only returned (O(format) C(content) and C(spec)).
      - Written atomically (a temporary file in the same folder renamed over it), and only when its
        content differs.
    type: path
  format:
    description:
      - V(environment) gives an C(environment.yml) (C(name), C(channels), C(dependencies) with pip
        packages as a C(pip) sub-list, and the env's config vars as C(variables)), in the layout of
        C(conda env export) without its host-specific C(prefix) line.
      - V(explicit) gives an C(@EXPLICIT) lock of package URLs with their checksums (O(hash)), dependencies
        first, as C(conda list --explicit --md5) (or C(--sha256)) prints it, without its
        C(created-by) comment line, which names the conda version (updating conda would change every lock while the envs are the
        same); recreate it with C(conda create --name <env> --file <file>). pip packages cannot be part of it
        and are left out.
      - V(conda-lock) gives a C(conda-lock.yml) in conda-lock's unified format (version 1) holding the
        entries of the env's platform (its packages' subdir, e.g. C(osx-arm64)), each conda package as a
        conda entry (C(manager) V(conda)) (name, version, dependencies from the record's C(depends), url, md5 and
        sha256, category C(main)), each pip-installed distribution as a pip entry, and
        C(metadata) (channels, platforms, empty C(sources), C(content_hash)). The result's RV(lock) is the same
        as a dict; the C(conda_lock_merge) filter (P(macfleet.conda.conda_lock_merge#filter)) merges the
        locks of hosts of several platforms into one file, as C(playbooks/export.yml) does.
      - In a V(conda-lock) file a pip entry has the URL and sha256 its C(direct_url.json) (PEP 610) records
        for an install from a URL, a path or a VCS (C(git+<url>@<commit>)); a plain install from an index
        records neither, so its url is C(unknown:<name>==<version>) and its hash empty;
        C(conda-lock render --kind env) still gives C(<name> == <version>), and C(conda-lock install) fails
        on such an entry, naming it, instead of installing something else. Its dependencies are its
        C(Requires-Dist) lines whose markers hold for the env's python and platform.
      - The V(conda-lock) C(content_hash) of a platform is the sha256 of its entries as canonical JSON; it
        changes exactly when the locked packages change. conda-lock itself hashes the specs of its
        source files, which an installed env does not have, so C(conda-lock lock --check-input-hash)
        never takes it as its own.
    type: str
    choices: [environment, explicit, conda-lock]
    default: environment
  hash:
    description:
      - The checksum after each URL of an O(format=explicit) lock, from the package records, V(md5)
        (C(conda list --explicit --md5)), V(sha256) (C(--sha256)) or V(none) (bare URLs, as plain
        C(conda list --explicit)). A record without that checksum gets a bare URL, as conda writes it.
      - Only with O(format=explicit); default V(md5). A V(conda-lock) file always holds md5 and sha256.
    type: str
    choices: [md5, sha256, none]
  from_history:
    description:
      - Only the specs that were asked for, as the env's C(conda-meta/history) records them (the last request
        for a name wins, removed names are gone, names no longer installed are dropped, specs keep the text
        conda recorded). The channels stay those the installed packages came from; pip packages and config
        vars are kept.
      - Only with O(format=environment).
    type: bool
    default: false
  no_builds:
    description:
      - Write C(name=version) without build strings. Only with O(format=environment).
    type: bool
    default: false
  backup:
    description:
      - Keep a timestamped copy of the old file when it is replaced.
    type: bool
    default: false
extends_documentation_fragment:
  - macfleet.conda.conda
  - ansible.builtin.files
notes:
  - Dependencies are sorted by name, and channels by how many packages came from them (then by name).
    When the packages came from more than one channel, those not from the first are written as
    C(channel::name=version=build), so that strict channel priority cannot hide them when the file is applied.
  - Channels on C(https://conda.anaconda.org/) are written by their short name (C(conda-forge)); others keep
    their URL without the platform subdir.
  - Masked credentials (C(********)) make a private channel's URL unusable as written; give the consumers
    their credentials through their own C(.condarc) or C(conda token).
  - M(macfleet.conda.conda_env) applies the result as it is (O(macfleet.conda.conda_env#module:spec), or the
    file as O(macfleet.conda.conda_env#module:src) or O(macfleet.conda.conda_env#module:file)), with its
    conda packages, its pip sub-list (through the env's pip) and its config vars.
attributes:
  check_mode:
    support: full
    description: Reads the env and reports whether the file would change; nothing is written.
  diff_mode:
    support: full
    description: Shows the file's old and new text (and mode/owner/group changes).
  platform:
    support: full
    platforms: posix
    description: POSIX hosts (macOS, the target, and Linux).
seealso:
  - module: macfleet.conda.conda_env
  - name: Sharing an environment (conda documentation)
    description: How C(conda env export) files and explicit spec files are made and applied.
    link: https://docs.conda.io/projects/conda/en/latest/user-guide/tasks/manage-environments.html#sharing-an-environment
author:
  - macfleet.conda maintainers (@macfleet)
'''

EXAMPLES = r'''
- name: Export myenv to an environment.yml (conda env export -n myenv > environment.yml)
  macfleet.conda.conda_export:
    environment: myenv
    dest: /Users/builder/envs/myenv.yml
    mode: '0644'

- name: Export only what was asked for, keeping channels and pip packages (conda env export --from-history)
  macfleet.conda.conda_export:
    environment: myenv
    from_history: true
    dest: /Users/builder/envs/myenv-requested.yml

- name: Lock the exact packages with their checksums (conda list --explicit --md5)
  macfleet.conda.conda_export:
    prefix: /opt/miniconda3/envs/myenv
    format: explicit
    dest: /Users/builder/envs/myenv.lock
    backup: true

- name: The same with SHA-256 checksums (conda list --explicit --sha256)
  macfleet.conda.conda_export:
    environment: myenv
    format: explicit
    hash: sha256
    dest: /Users/builder/envs/myenv-sha256.lock

- name: A conda-lock.yml of this host's platform
  macfleet.conda.conda_export:
    environment: myenv
    format: conda-lock
    dest: /Users/builder/envs/conda-lock.yml
  register: myenv_lock

- name: One conda-lock.yml for the Apple silicon and the Intel reference hosts, on the controller
  ansible.builtin.copy:
    content: "{{ ['mac-arm-01', 'mac-intel-01'] | map('extract', hostvars, ['myenv_lock', 'lock'])
                 | macfleet.conda.conda_lock_merge }}"
    dest: locks/myenv/conda-lock.yml
    mode: '0644'
  delegate_to: localhost
  run_once: true

- name: Read the spec without writing a file
  macfleet.conda.conda_export:
    environment: myenv
  register: myenv_export

- name: Recreate it on other hosts
  macfleet.conda.conda_env:
    name: myenv
    spec: "{{ myenv_export.spec }}"
'''

RETURN = r'''
content:
  description: The exported text (what is or would be in O(dest)), credentials masked.
  returned: success
  type: str
  sample: "name: myenv\nchannels:\n  - conda-forge\ndependencies:\n  - numpy=1.19.2=py39hf4c9891_0\n"
spec:
  description: The export as a dict (C(name), C(channels), C(dependencies), and C(variables) when the env has
    config vars), ready for
    O(macfleet.conda.conda_env#module:spec). Null for O(format=explicit) and O(format=conda-lock).
  returned: success
  type: dict
  sample: {"name": "myenv", "channels": ["conda-forge"], "dependencies": ["numpy=1.19.2=py39hf4c9891_0"]}
lock:
  description:
    - The conda-lock file as a dict (C(version), C(metadata), C(package)), credentials masked, for the
      C(conda_lock_merge) filter.
  returned: when O(format=conda-lock)
  type: dict
  sample:
    version: 1
    metadata:
      content_hash: {osx-arm64: 0c6f2b1d3e0b4b7a9d5e8f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e}
      channels: [{url: conda-forge, used_env_vars: []}]
      platforms: [osx-arm64]
      sources: []
    package:
      - name: numpy
        version: 1.19.2
        manager: conda
        platform: osx-arm64
        dependencies: {python: ">=3.9,<3.10.0a0"}
        url: https://conda.anaconda.org/conda-forge/osx-arm64/numpy-1.19.2-py39h1f3b974_0.tar.bz2
        hash: {md5: 20da162431d9e11eb5c83979cfc4b41d, sha256: 1c37d5af637d9ca654d48962d8f038a80735bf9b8f74f6714249346162d02860}
        category: main
        optional: false
dest:
  description: The file written, as given.
  returned: when O(dest) is set
  type: str
  sample: /Users/builder/envs/myenv.yml
checksum:
  description: SHA-1 of O(format) C(content), as M(ansible.builtin.stat) reports it for the file.
  returned: success
  type: str
  sample: 6e2c5a5c8c7b6b31bb4cf3c3f5d3f0c1bba7e3c1
prefix:
  description: The env's prefix.
  returned: success
  type: str
  sample: /opt/miniconda3/envs/myenv
backup_file:
  description: Where the old file was copied to.
  returned: when O(backup) is set and the file was replaced
  type: str
  sample: /Users/builder/envs/myenv.yml.12345.2026-11-30@15:47:06~
'''

import hashlib
import json
import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.macfleet.conda.plugins.module_utils import _conda_prefix as prefix_reader
from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask_text
from ansible_collections.macfleet.conda.plugins.module_utils._conda_root import host_subdir
from ansible_collections.macfleet.conda.plugins.module_utils._export_render import (
    ExportError, PipDist, conda_lock, records_platform, render_conda_lock, render_export)
from ansible_collections.macfleet.conda.plugins.module_utils._module_run import (
    EXECUTABLE_OPTION, ModuleRun, missing_env)
from ansible_collections.macfleet.conda.plugins.module_utils._prefix_guard import relative_prefix_refusal
from ansible_collections.macfleet.conda.plugins.module_utils._text_file import put_text


def target(module):
    """``(prefix, name)`` of the env to export; the module fails when it does not exist.

    A prefix needs no conda: only a name is resolved through the installation's configuration.
    """
    params = module.params
    relative = relative_prefix_refusal(params['prefix'], 'nothing was exported.')
    if relative:
        module.fail_json(msg=relative)
    if params['prefix']:
        prefix = os.path.normpath(params['prefix'])
        name = os.path.basename(os.path.normpath(prefix))
        described = 'at %s' % prefix
    else:
        name = params['environment'] or 'base'
        prefix = ModuleRun(module).locate(name)
        described = '%s%s' % (name, ' (%s)' % prefix if prefix else '')
    missing = missing_env(prefix, described, 'nothing was exported.')
    if missing:
        module.fail_json(msg=missing, prefix=prefix)
    return prefix, name


def _direct_urls(prefix, records):
    """``{name: direct_url.json as a dict}`` of the env's ``*.dist-info`` folders (PEP 610), by PEP 503 name.

    The prefix reader keeps only the URL of that file; a lock also needs the archive's hash and a
    VCS install's commit. A file that is not valid JSON is as good as none (pip ignores it too).
    """
    python = prefix_reader.python_record(records)
    if python is None:
        return {}
    site = os.path.join(prefix, prefix_reader.site_packages_path(python).strip('/'))
    try:
        entries = sorted(os.listdir(site))
    except OSError:
        return {}
    found = {}
    for entry in entries:
        path = os.path.join(site, entry, 'direct_url.json')
        if not entry.endswith('.dist-info') or not os.path.isfile(path):
            continue
        try:
            with open(path, 'rb') as stream:
                info = json.loads(stream.read())
        except (OSError, ValueError):
            continue
        if isinstance(info, dict):
            found[prefix_reader.normalized_name(entry[:-len('.dist-info')].rsplit('-', 1)[0])] = info
    return found


def lock_of(prefix, records):
    """The conda-lock dict of the env at ``prefix``: its conda records and its pip-installed distributions."""
    dists = [dist for dist in prefix_reader.distributions(prefix, records, conda_too=False) if not dist.by_conda]
    direct = _direct_urls(prefix, records) if any(dist.direct_url for dist in dists) else {}
    pip_dists = [PipDist(dist.name, dist.version, dist.requires, direct.get(dist.name)) for dist in dists]
    return conda_lock(records, records_platform(records, host_subdir() or 'noarch'), pip_dists)


def export(module, prefix, name):
    """``(content, spec, lock)`` of the env at ``prefix`` in the asked format (spec for an environment.yml,
    lock for a conda-lock file, None otherwise)."""
    params = module.params
    records = prefix_reader.read_records(prefix)
    if params['format'] == 'conda-lock':
        lock = lock_of(prefix, records)
        return render_conda_lock(lock), None, lock
    if params['format'] == 'explicit':
        content, spec = render_export(name, records, 'explicit', hash_kind=params['hash'] or 'md5')
    else:
        content, spec = render_export(
            name, records, from_history=params['from_history'], no_builds=params['no_builds'],
            history=prefix_reader.read_history(prefix) if params['from_history'] else '',
            pip_packages=prefix_reader.pip_packages(prefix, records), variables=prefix_reader.read_env_vars(prefix))
    return content, spec, None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            environment=dict(type='str', aliases=['name']),
            prefix=dict(type='path'),
            dest=dict(type='path'),
            format=dict(type='str', choices=['environment', 'explicit', 'conda-lock'], default='environment'),
            hash=dict(type='str', choices=['md5', 'sha256', 'none']),
            from_history=dict(type='bool', default=False),
            no_builds=dict(type='bool', default=False),
            backup=dict(type='bool', default=False),
            **EXECUTABLE_OPTION
        ),
        mutually_exclusive=[('environment', 'prefix')],
        add_file_common_args=True,
        supports_check_mode=True,
    )
    params = module.params
    if params['format'] != 'environment' and (params['from_history'] or params['no_builds']):
        module.fail_json(msg='from_history and no_builds apply to format=environment only: an @EXPLICIT lock or a '
                             'conda-lock file names exact package files.')
    if params['hash'] and params['format'] != 'explicit':
        module.fail_json(msg='hash applies to format=explicit only (a conda-lock file always holds md5 and '
                             'sha256, an environment.yml none).')
    prefix, name = target(module)
    try:
        content, spec, lock = export(module, prefix, name)
    except (ExportError, prefix_reader.PrefixRecordError) as exc:
        # never an export computed from a partial read of the env
        module.fail_json(msg=mask_text(str(exc)), prefix=prefix)
    result = dict(changed=False, content=content, spec=spec, prefix=prefix,
                  checksum=hashlib.sha1(content.encode('utf-8')).hexdigest())
    if lock is not None:
        result['lock'] = lock
    if params['dest']:
        written = put_text(module, params['dest'], content, params['backup'])
        result.update(changed=written.changed, dest=params['dest'])
        if written.backup_file:
            result['backup_file'] = written.backup_file
        if module._diff:
            result['diff'] = written.diffs
    module.exit_json(**result)


if __name__ == '__main__':
    main()
