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
import hashlib
import json
import os
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

import yaml

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
# The block `conda init <shell>` writes between these markers: conda recognises it as its own, and a
# rerun compares text instead of spawning conda.
SHELL_MARKER = {'marker': '# {mark} conda initialize {mark}', 'marker_begin': '>>>', 'marker_end': '<<<'}
SHELL_BLOCK = """# !! Contents within this block are managed by 'conda init' !!
__conda_setup="$('{conda}' 'shell.{shell}' 'hook' 2> /dev/null)"
if [ $? -eq 0 ]; then
    eval "$__conda_setup"
else
    if [ -f "{prefix}/etc/profile.d/conda.sh" ]; then
        . "{prefix}/etc/profile.d/conda.sh"
    else
        export PATH="{prefix}/bin:$PATH"
    fi
fi
unset __conda_setup"""
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
    given = prefix = prefix or DEFAULT_PREFIX
    if prefix.startswith('/'):
        # conda_info names the root it read as normpath gives it: /opt/miniconda3/ is /opt/miniconda3,
        # and every path the role compares (record, .condarc) is built from this one.
        prefix = os.path.normpath(prefix)
    prefix_refusal = ''
    # The installer writes bin/, lib/, pkgs/... straight into the prefix: never into the folders the
    # modules refuse for an env either.
    if not prefix.startswith('/') or system_or_home_reason(prefix):
        prefix_refusal = ('miniconda_prefix %s must be an absolute path of a folder of its own, for example %s: '
                          'not relative (it would land beside the playbook run) and not a system or home folder '
                          '(the installer and conda would write into it). Nothing was changed.'
                          % (given, DEFAULT_PREFIX))
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
        try:
            found = json.loads(base64.b64decode(record['content']))
        except ValueError:
            # A record cut short (a full disk, a killed run) says nothing: the install is updated in
            # place (-u, envs kept) and the record written again, as for a conda no record describes.
            found = {}
        if not isinstance(found, Mapping):
            found = {}
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


def miniconda_shell_blocks(platform, home):
    """One ``{path, block, marker, marker_begin, marker_end}`` per shell to initialise (blockinfile's
    options, and an item of conda_info's ``paths``, which says whether the file already holds it)."""
    return [dict(SHELL_MARKER, path='%s/%s' % (home, platform['shell_rc_files'][shell]),
                 block=SHELL_BLOCK.format(conda=platform['conda'], prefix=platform['prefix'], shell=shell))
            for shell in platform['shells']]


def miniconda_declared(environments, texts=None):
    """``miniconda_environments`` as conda_info's ``declared``: each ``src`` item's environment.yml
    (``texts``, the controller files in the order of the src items) given as its ``spec``, so that it
    is decided as conda_env (whose action reads the same file) decides it. An item whose file could
    not be read or parsed is left as it is: conda_info calls it undecided and its conda_env task runs
    and says why."""
    items = list(environments or [])
    sources = [index for index, item in enumerate(items) if isinstance(item, Mapping) and item.get('src')]
    texts = list(texts or [])
    if len(texts) != len(sources):  # a file the lookup could not read: none is matched to a wrong item
        return items
    for index, text in zip(sources, texts):
        try:
            spec = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        if isinstance(spec, dict):
            item = dict((key, value) for key, value in items[index].items() if key != 'src')
            item['spec'] = spec
            items[index] = item
    return items


def miniconda_exports(environments, export_dir, export_format='environment', from_history=False, no_builds=False,
                      owner='', group=''):
    """The conda_export options of each present environment's export into ``export_dir`` (none when
    it is empty): ``<name>.yml``, or ``<name>.txt`` for an @EXPLICIT lock, owner's, mode 0644."""
    if not export_dir:
        return []
    suffix = 'txt' if export_format == 'explicit' else 'yml'
    return [{'environment': item['name'], 'dest': '%s/%s.%s' % (export_dir, item['name'], suffix), 'format': export_format,
             'from_history': boolean(from_history, strict=False), 'no_builds': boolean(no_builds, strict=False),
             'owner': owner, 'group': group, 'mode': '0644'}
            for item in environments or [] if (item.get('state') or 'present') == 'present']


def miniconda_inspected(info, installer='', record='', legacy_record=''):
    """miniconda_install_action's decision, and whether a 0.1.0 record is there, from one conda_info
    run (``root``, ``paths`` holding the prefix and both records with their content).

    A healthy install is an executable ``bin/conda`` with a conda record: what ``conda --version``
    answering ``conda <version>`` shows, read instead of run. 0.1.0's record stands for the role's
    while it is still in conda-meta/ (its move keeps it byte for byte)."""
    paths = info.get('paths') or {}
    prefix = paths.get(info.get('root_prefix')) or {}
    version = info.get('conda_version')
    healthy = bool(info.get('conda_executable')) and bool(version)
    legacy = paths.get(legacy_record) or {}
    kept = paths.get(record) or {}
    found = kept if kept.get('content') is not None else legacy
    decision = miniconda_install_action(
        {'stat': {'exists': bool(prefix.get('exists'))}},
        conda_version={'rc': 0 if healthy else 1, 'stdout': 'conda %s' % version if healthy else ''},
        record={'content': found['content']} if found.get('content') is not None else None,
        installer=installer)
    decision['legacy_record'] = bool(legacy.get('exists'))
    return decision


def _holds(facts, kind, checksum=None, **attributes):
    facts = facts or {}
    if facts.get('type') != kind or (checksum is not None and facts.get('checksum') != checksum):
        return False
    return all(facts.get(key) == value for key, value in attributes.items())


def _sha1(text):
    return hashlib.sha1(text.encode('utf-8')).hexdigest()


def miniconda_plan(info, found, owner='', group='', condarc='', ca_bundle=None, record=None,
                   tos_channels=None, shells=None, environments=None, base_packages=None, export_dir='',
                   exports=None, update_all=False):
    """Which of the role's tasks have something to do on a host, from its one conda_info run.

    ``condarc`` is the text the role writes to the root .condarc, ``ca_bundle`` ``{path, checksum}``
    of the CA bundle it copies (or none), ``record`` the text of its record when a run rewrites it
    (terms of service), ``tos_channels`` the channels whose terms it accepts, ``shells`` the blocks
    of miniconda_shell_blocks, ``environments`` the declared items (``miniconda_declared``),
    ``export_dir`` and ``exports`` (conda_info's ``exports`` items) what it exports, ``update_all``
    whether base or any env is to be updated to the newest (that always asks conda).

    A task's target is taken as holding only when conda_info read exactly what that task would write
    (content as copy compares it, owner, group, mode; a block as blockinfile would leave it; an env
    converged as conda_env decides): anything else runs its task, which decides as it always did.
    When the install or its .condarc is about to change, or a 0.1.0 record still breaks the root,
    the envs' verdicts read before are not trusted (``fast`` is false) and every env task runs.
    ``work`` is false when no task has anything to do: the role then runs none of them.
    """
    paths = info.get('paths') or {}
    prefix = info.get('root_prefix')
    files = {'owner': owner, 'group': group, 'mode': '0644'}
    folders = {'owner': owner, 'group': group, 'mode': '0755'}
    plan = {
        'prefix': found['action'] != 'none' or not _holds(paths.get(prefix), 'directory', **folders),
        'condarc': not _holds(paths.get(prefix + '/.condarc'), 'file', _sha1(condarc), **files),
        'ca_bundle': bool(ca_bundle) and not _holds(paths.get(ca_bundle['path']), 'file', ca_bundle['checksum'],
                                                    **files),
        'tos_channels': [channel for channel in tos_channels or [] if channel not in found['tos_accepted']],
    }
    plan['fast'] = found['action'] == 'none' and not plan['condarc'] and not found['legacy_record']
    plan['record'] = record is not None and not (
        _holds(paths.get(record['path']), 'file', _sha1(record['text']), **files)
        and _holds(paths.get(os.path.dirname(record['path'])), 'directory', **folders))
    plan['shells'] = [block for block in shells or []
                      if not (_holds(paths.get(block['path']), 'file', owner=owner, mode='0644')
                              and paths[block['path']].get('block_holds'))]
    envs = info.get('envs') or {}

    def converged(item):
        return plan['fast'] and bool((envs.get('base' if item['name'] == 'root' else item['name']) or {}).get('converged'))
    plan['base'] = bool(base_packages) and not (plan['fast'] and (info.get('base_packages') or {}).get('converged'))
    plan['environments'] = [item for item in environments or [] if not converged(item)]
    pending = set(item['name'] for item in plan['environments'])
    plan['export_dir'] = bool(export_dir) and not (plan['fast'] and _holds(paths.get(export_dir), 'directory',
                                                                           **folders))
    verdicts = dict((verdict['dest'], verdict) for verdict in info.get('exports') or [])
    plan['exports'] = [export for export in exports or [] if not (
        plan['fast'] and export['environment'] not in pending
        and (verdicts.get(export['dest']) or {}).get('converged')
        and verdicts[export['dest']].get('group') == group and verdicts[export['dest']].get('owner') == owner)]
    plan['update_all'] = boolean(update_all, strict=False)
    plan['work'] = bool(found['legacy_record'] or plan['update_all'] or any(
        plan[key] for key in ('prefix', 'condarc', 'ca_bundle', 'tos_channels', 'record', 'shells', 'base',
                              'environments', 'export_dir', 'exports')))
    return plan


def miniconda_settle(facts, probed_facts=None, distribution='miniconda', prefix='', group='', shells=None, owner='',
                     home='', version='latest', sha256='', mirror_url='', installer_url='', verify_checksum=True,
                     refuse_unverified=False):
    """Platform, account and installer in one call, and every refusal, from the host's facts.

    ``probed_facts`` are the main entry point's conda_info ``host_facts`` where the role takes them for the
    play's (vars/main.yml ``__miniconda_probed_facts`` decides), none otherwise. One call, because on a
    converged fleet the role's cost is its templating: each value read again from a chain of lazy
    variables is rendered again."""
    if isinstance(probed_facts, Mapping):
        facts = probed_facts
    platform = miniconda_platform(facts, distribution=distribution, prefix=prefix, group=group, shells=shells)
    if platform['prefix_refusal'] and 'user_id' not in facts:
        # The main entry point learns the facts from its probe, which never reads a prefix the role refuses:
        # that refusal is the whole answer (the run stops on it).
        return {'platform': platform, 'account': {'owner': owner, 'become': False, 'home': home, 'refusal': ''},
                'installer': {'name': '', 'url': '', 'checksum': '', 'refusal': ''},
                'refusals': [platform['prefix_refusal']], 'probed': False}
    account = miniconda_account(facts, owner=owner, home=home)
    installer = miniconda_installer(platform, distribution=distribution, version=version, sha256=sha256,
                                    mirror_url=mirror_url, installer_url=installer_url,
                                    verify_checksum=verify_checksum)
    refusals = [platform['refusal'], platform['prefix_refusal'], account['refusal'],
                installer['refusal'] if boolean(refuse_unverified, strict=False) else '']
    return {'platform': platform, 'account': account, 'installer': installer,
            'refusals': [refusal for refusal in refusals if refusal], 'probed': isinstance(probed_facts, Mapping)}


def miniconda_record_text(record):
    """The role's record as record.yml writes it: ``to_nice_json`` of it, and a newline."""
    return json.dumps(record, indent=4, sort_keys=True, separators=(',', ': ')) + '\n'


def _answer(probe, owner_read):
    """The conda_info answer the role decides by: the owner's run where it happened, else the probe's."""
    return owner_read if owner_read and not owner_read.get('skipped') else probe


def _owner_group(probe, owner_read, platform_group):
    """The platform's group (staff on a Mac), else the one conda_info read for the owner (``owner_group``),
    else, when it ran as the owner without its name, its account's; empty for no account."""
    info = _answer(probe, owner_read) or {}
    read_group = info.get('owner_group') if 'owner_group' in info else (info.get('host_facts') or {}).get('user_group')
    return platform_group or read_group or ''


def _probe_holds(settled):
    """The probe ran as the owner: its facts are the ones settled, and Ansible needs to become no one."""
    return bool(settled.get('probed')) and not settled['account']['become']


def miniconda_host(settled, probe, owner_read=None):
    """miniconda_host, the role's public fact: where conda is and who runs it, from miniconda_settle's
    result and the conda_info answer that read the owner's group (``owner_read``'s where it ran)."""
    platform, account = settled['platform'], settled['account']
    return {'prefix': platform['prefix'], 'conda': platform['conda'], 'owner': account['owner'],
            'group': _owner_group(probe, owner_read, platform['group']), 'become': account['become'],
            'owner_home': account['home']}


def miniconda_decide(probe, settled, owner_read=None, record='', legacy_record='', record_fields=None,
                     shell_init=False, **plan_options):
    """miniconda_inspected, the owner's group, miniconda_plan and every refusal in one call, from
    miniconda_settle's result and the role's conda_info answer.

    The answer is ``owner_read``'s where that run happened, else the probe's where it holds (it ran as
    the owner); where it does not and ``owner_read`` is not given, the decision is ``pending``: conda_info
    runs again as the owner, and this filter with its answer decides. ``record_fields`` (the
    distribution; none when the run writes no record) make the record a run with terms of service writes:
    the channels already accepted and those it accepts now (``tos_channels``); ``shell_init`` compares
    miniconda_shell_blocks of the settled platform and home. Where miniconda_settle
    refused the run nothing was read: nothing is decided, and no task has work. An owner without an
    account (no group) is refused here, with what was decided."""
    nothing = {'found': {'action': 'none', 'tos_accepted': [], 'legacy_record': False}, 'group': '',
               'plan': {'work': False}, 'refusals': list(settled['refusals']), 'pending': False}
    if settled['refusals']:
        return nothing
    if owner_read is None and not _probe_holds(settled):
        return dict(nothing, pending=True)
    installer, owner = settled['installer']['name'], settled['account']['owner']
    info = _answer(probe, owner_read)
    found = miniconda_inspected(info, installer=installer, record=record, legacy_record=legacy_record)
    group = _owner_group(probe, owner_read, settled['platform']['group'])
    if record_fields is not None:
        accepted = sorted(set(found['tos_accepted']) | set(plan_options.get('tos_channels') or []))
        plan_options['record'] = {'path': record, 'text': miniconda_record_text(
            dict(record_fields, installer=installer, tos_accepted=accepted))}
    if boolean(shell_init, strict=False):
        plan_options['shells'] = miniconda_shell_blocks(settled['platform'], settled['account']['home'])
    plan = miniconda_plan(info, found, owner=owner, group=group, **plan_options)
    refusals = [] if group else ['miniconda_owner %s has no account on this host (no primary group); nothing was '
                                 'changed.' % owner]
    return {'found': found, 'group': group, 'plan': plan, 'refusals': refusals, 'pending': False}


class FilterModule:
    """The miniconda role's decisions."""

    def filters(self):
        return {
            'miniconda_platform': miniconda_platform,
            'miniconda_account': miniconda_account,
            'miniconda_installer': miniconda_installer,
            'miniconda_install_action': miniconda_install_action,
            'miniconda_condarc': miniconda_condarc,
            'miniconda_shell_blocks': miniconda_shell_blocks,
            'miniconda_declared': miniconda_declared,
            'miniconda_exports': miniconda_exports,
            'miniconda_inspected': miniconda_inspected,
            'miniconda_plan': miniconda_plan,
            'miniconda_settle': miniconda_settle,
            'miniconda_decide': miniconda_decide,
            'miniconda_host': miniconda_host,
            'miniconda_record_text': miniconda_record_text,
        }
