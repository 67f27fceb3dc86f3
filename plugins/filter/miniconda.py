# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The decisions of the macfleet.conda.miniconda role, as data in, data out.

The role's task files only apply what these filters decide: the platform data of a host, who owns
the install and whether Ansible must become that account, which installer (name, URL, checksum), what
an inspected prefix needs (install, repair, update or nothing) and the root ``.condarc``. They run on
the controller and read nothing but their arguments. Each filter is documented in the ``.yml`` file
of its own name beside this one (``ansible-doc -t filter macfleet.conda.miniconda_platform``).
"""
from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask_text, without_userinfo
from ansible_collections.macfleet.conda.plugins.module_utils._prefix_guard import system_or_home_reason

# Where the role installs when miniconda_prefix is empty, on every platform.
DEFAULT_PREFIX = '/opt/miniconda3'

# Per ansible_facts.system: the installers' OS name, ansible_facts.architecture to the installers' arch
# name (in the order the refusal lists them), the default group (empty: the owner's primary group,
# looked up on the host), the shells initialised by default and each shell's rc file.
PLATFORMS = {
    # Anaconda and conda-forge name macOS installers "MacOSX"; Apple silicon reports arm64 (aarch64
    # only under some Pythons). Every interactive macOS account has staff as its primary group. zsh
    # is the login shell since Catalina; bash login shells read ~/.bash_profile, not ~/.bashrc.
    'Darwin': {
        'os': 'MacOSX',
        'arches': {'arm64': 'arm64', 'aarch64': 'arm64', 'x86_64': 'x86_64'},
        'group': 'staff',
        'shells': ['zsh', 'bash'],
        'shell_rc_files': {'zsh': '.zshrc', 'bash': '.bash_profile'},
    },
    'Linux': {
        'os': 'Linux',
        'arches': {'x86_64': 'x86_64', 'aarch64': 'aarch64', 'arm64': 'aarch64'},
        'group': '',
        'shells': ['bash'],
        'shell_rc_files': {'bash': '.bashrc', 'zsh': '.zshrc'},
    },
}

# Where each distribution publishes its installers and how it names them; "latest" has its own,
# version-less, name and URL. Anaconda publishes checksums on a web page only (a pin is the only way
# to verify); conda-forge publishes "<installer>.sha256" next to every installer.
DISTRIBUTIONS = {
    'miniconda': {
        'base_url': 'https://repo.anaconda.com/miniconda',
        'file_name': 'Miniconda3-{version}-{os}-{arch}.sh',
        'latest_base_url': 'https://repo.anaconda.com/miniconda',
        'latest_file_name': 'Miniconda3-latest-{os}-{arch}.sh',
        'checksum_file_suffix': '',
    },
    'miniforge': {
        'base_url': 'https://github.com/conda-forge/miniforge/releases/download/{version}',
        'file_name': 'Miniforge3-{version}-{os}-{arch}.sh',
        'latest_base_url': 'https://github.com/conda-forge/miniforge/releases/latest/download',
        'latest_file_name': 'Miniforge3-{os}-{arch}.sh',
        'checksum_file_suffix': '.sha256',
    },
}

# Where the CA bundle given by miniconda_ca_bundle_src goes, under the prefix.
CA_BUNDLE = 'ssl/macfleet-ca-bundle.pem'
_CONDA_VERSION = re.compile(r'conda \d')


def _distribution(name):
    try:
        return DISTRIBUTIONS[name]
    except KeyError:
        raise AnsibleFilterError('Unknown miniconda_distribution %r; known: %s.'
                                 % (name, ', '.join(sorted(DISTRIBUTIONS))))


def miniconda_platform(facts, distribution='miniconda', prefix='', group='', shells=None):
    """The host's platform data, the role's overrides applied; ``refusal`` says why there is none."""
    system = facts.get('system')
    arch = facts.get('architecture')
    data = PLATFORMS.get(system)
    refusal = ''
    if data is None:
        refusal = 'macfleet.conda.miniconda supports macOS (Darwin) and Linux, not %s.' % system
        data = {'os': '', 'arches': {}, 'group': '', 'shells': [], 'shell_rc_files': {}}
    elif arch not in data['arches']:
        refusal = ('No %s installer for %s on %s; supported: %s.'
                   % (distribution, system, arch, ', '.join(data['arches'])))
    prefix = prefix or DEFAULT_PREFIX
    prefix_refusal = ''
    # The installer writes bin/, lib/, pkgs/... straight into the prefix: never into the folders the
    # modules refuse for an env either.
    if not prefix.startswith('/') or system_or_home_reason(prefix):
        prefix_refusal = ('miniconda_prefix %s must be an absolute path of a folder of its own, for example %s: '
                          'not relative (it would land beside the playbook run) and not a system or home folder '
                          '(the installer and conda would write into it). Nothing was changed.'
                          % (prefix, DEFAULT_PREFIX))
    return {
        'system': system,
        'os': data['os'],
        'arch': data['arches'].get(arch, ''),
        'prefix': prefix,
        'conda': prefix + '/bin/conda',
        'group': group or data['group'],
        'shells': list(shells or data['shells']),
        'shell_rc_files': dict(data['shell_rc_files']),
        'refusal': refusal,
        'prefix_refusal': prefix_refusal,
    }


def miniconda_account(facts, owner='', home=''):
    """Who owns the install, whether Ansible must become that account, its home, and a refusal."""
    env = facts.get('env') or {}
    user_id = facts.get('user_id')
    under_sudo = 'SUDO_USER' in env
    chosen = owner or (env['SUDO_USER'] if under_sudo else user_id)
    refusal = ''
    if chosen == 'root' and owner != 'root':
        refusal = ('The install would be owned by root because Ansible connects as root. Set miniconda_owner '
                   'to the account that should own it (or to root if that is really meant).')
    return {
        'owner': chosen,
        # Switch to the owner when Ansible runs as someone else. Under a play's sudo (SUDO_USER is set)
        # keep escalating even for the same account, or a task-level "become: false" would drop back
        # to the connecting user.
        'become': chosen != user_id or under_sudo,
        'home': home or '~' + chosen,
        'refusal': refusal,
    }


def miniconda_installer(platform, distribution='miniconda', version='latest', sha256='', mirror_url='',
                        installer_url='', verify_checksum=True):
    """Installer file name, URL and ``get_url`` checksum for a platform, and a refusal when unverified."""
    dist = _distribution(distribution)
    latest = version == 'latest'
    # Credentials go to get_url apart (url_username, url_password), never into a fact or a message.
    installer_url = without_userinfo(installer_url)
    mirror_url = without_userinfo(mirror_url)
    if installer_url:
        # A custom URL names its own file.
        name = os.path.basename(urlsplit(installer_url).path)
    else:
        pattern = dist['latest_file_name'] if latest else dist['file_name']
        name = (pattern.replace('{version}', version).replace('{os}', platform['os'])
                .replace('{arch}', platform['arch']))
    base_url = (mirror_url or '').rstrip('/') or (
        dist['latest_base_url'] if latest else dist['base_url'].replace('{version}', version))
    url = installer_url or base_url + '/' + name
    if isinstance(sha256, Mapping):
        pinned = sha256.get(name) or ''
    else:
        pinned = sha256 or ''
    if pinned:
        checksum = 'sha256:%s' % pinned
    elif dist['checksum_file_suffix'] and not installer_url:
        checksum = 'sha256:' + base_url + '/' + name + dist['checksum_file_suffix']
    else:
        checksum = ''
    refusal = ''
    if not checksum and boolean(verify_checksum, strict=False):
        refusal = ('No sha256 for %s. Pin miniconda_version and set miniconda_sha256 (the production setting), '
                   'or set miniconda_verify_checksum: false to run an unverified installer.' % name)
    return {'name': name, 'url': url, 'checksum': checksum, 'refusal': refusal}


def miniconda_install_action(prefix_stat, conda_version=None, record=None, installer=''):
    """What the prefix needs (``install``, ``repair``, ``update`` or ``none``) and the recorded ToS channels."""
    exists = bool((prefix_stat.get('stat') or {}).get('exists'))
    conda_version = conda_version or {}
    healthy = (exists and conda_version.get('rc', 1) == 0
               and bool(_CONDA_VERSION.match(conda_version.get('stdout') or '')))
    found = {}
    if record and 'content' in record:
        found = json.loads(base64.b64decode(record['content']))
    if not exists:
        # Nothing there.
        action = 'install'
    elif not healthy:
        # A prefix without a working conda: an install that died half-way.
        action = 'repair'
    elif found.get('installer', '') == installer:
        # The requested installer, working.
        action = 'none'
    else:
        # A working conda from another installer.
        action = 'update'
    return {'action': action, 'tos_accepted': list(found.get('tos_accepted') or [])}


def miniconda_condarc(prefix, channels=None, channel_priority='', proxy_servers=None, pkgs_dirs=None,
                      envs_dirs=None, auto_activate_base=False, auto_update_conda=False, ssl_verify=True,
                      ca_bundle_src='', extra=None):
    """The root ``.condarc`` (only the settings given), where its CA bundle goes, and whether to hide it."""
    channels = channels or []
    proxy_servers = proxy_servers or {}
    extra = extra or {}
    ca_bundle = prefix + '/' + CA_BUNDLE
    given = {'channels': channels, 'channel_priority': channel_priority, 'proxy_servers': proxy_servers,
             'pkgs_dirs': pkgs_dirs, 'envs_dirs': envs_dirs}
    content = dict((key, value) for key, value in given.items() if value)
    content['auto_activate_base'] = boolean(auto_activate_base, strict=False)
    content['auto_update_conda'] = boolean(auto_update_conda, strict=False)
    content['ssl_verify'] = ca_bundle if ca_bundle_src else ssl_verify
    content.update(extra)
    # Proxy URLs, channel URLs and channels in extra may carry credentials: then neither the diff nor
    # the result may show the file.
    # (as text: Ansible hands lazy containers that cannot be rebuilt, and masking only the text needs none)
    settings = json.dumps([channels, extra], default=str)
    secret = bool(proxy_servers) or mask_text(settings) != settings
    return {'content': content, 'ca_bundle': ca_bundle, 'secret': secret}


class FilterModule:
    """The miniconda role's decisions."""

    def filters(self):
        return {
            'miniconda_platform': miniconda_platform,
            'miniconda_account': miniconda_account,
            'miniconda_installer': miniconda_installer,
            'miniconda_install_action': miniconda_install_action,
            'miniconda_condarc': miniconda_condarc,
        }
