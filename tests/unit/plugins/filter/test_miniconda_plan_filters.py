"""miniconda_inspected and miniconda_plan (plugins/filter/miniconda.py): the role's decisions from one conda_info run.

Each ``info`` is shaped as macfleet.conda.conda_info returns it to roles/miniconda/tasks/decide.yml:
``root_prefix`` (the root, normalised), ``conda_executable`` and ``conda_version`` (null on a bare host or a
half-made install), ``envs`` with a verdict per declared env, ``base_packages`` and ``exports`` verdicts,
and ``paths`` keyed by each path as the role gave it, with ``exists``, ``type``, ``owner``, ``group``,
``mode``, a file's sha1 ``checksum`` and, where asked, its base64 ``content`` or ``block_holds``. Only
the keys a decision reads are asserted: the plan may grow keys.
"""
from __future__ import annotations

import base64
import copy
import hashlib
import json
import os

import pytest

from ansible_collections.macfleet.conda.plugins.filter.miniconda import (
    miniconda_exports, miniconda_inspected, miniconda_plan, miniconda_platform, miniconda_shell_blocks)

OWNER, GROUP = 'builder', 'staff'
PREFIX = '/opt/miniconda3'
INSTALLER = 'Miniconda3-py311_24.7.1-0-MacOSX-arm64.sh'
MAIN, R = 'https://repo.anaconda.com/pkgs/main', 'https://repo.anaconda.com/pkgs/r'
CONDARC_TEXT = 'auto_activate_base: false\nauto_update_conda: false\nchannels:\n- conda-forge\nssl_verify: true\n'
EXPORT_DIR = '/Users/builder/exports'
PLATFORM = miniconda_platform({'system': 'Darwin', 'architecture': 'arm64'}, prefix=PREFIX)
SHELLS = miniconda_shell_blocks(PLATFORM, '/Users/builder')  # ~/.zshrc, then ~/.bash_profile
ENVIRONMENTS = [{'name': 'build', 'packages': ['python=3.11']}, {'name': 'web', 'packages': ['flask']}]
EXPORTS = miniconda_exports(ENVIRONMENTS, EXPORT_DIR, owner=OWNER, group=GROUP)


def record_path(prefix=PREFIX):
    return prefix + '/etc/macfleet/miniconda.json'  # vars/main.yml __miniconda_state_file


def legacy_path(prefix=PREFIX):
    return prefix + '/conda-meta/macfleet-miniconda.json'  # where 0.1.0 kept it


def ca_bundle_path(prefix=PREFIX):
    return prefix + '/ssl/macfleet-ca-bundle.pem'


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode('utf-8')).hexdigest()


def record_text(installer=INSTALLER, tos_accepted=()) -> str:
    """The record as record.yml writes it (to_nice_json and a newline)."""
    return json.dumps({'distribution': 'miniconda', 'installer': installer, 'tos_accepted': sorted(tos_accepted)},
                      indent=4, sort_keys=True) + '\n'


def missing(path: str) -> dict:
    return {'path': path, 'exists': False, 'type': None, 'owner': None, 'group': None, 'mode': None,
            'checksum': None}


def folder(path: str, owner=OWNER, group=GROUP, mode='0755') -> dict:
    return {'path': path, 'exists': True, 'type': 'directory', 'owner': owner, 'group': group, 'mode': mode,
            'checksum': None}


def text_file(path: str, text: str, owner=OWNER, group=GROUP, mode='0644', content=False, **more) -> dict:
    facts = {'path': path, 'exists': True, 'type': 'file', 'owner': owner, 'group': group, 'mode': mode,
             'checksum': sha1(text)}
    if content:
        facts['content'] = base64.b64encode(text.encode('utf-8')).decode('ascii')
    facts.update(more)
    return facts


def bare_host() -> dict:
    """What conda_info reads on a host without the install: every path missing, no conda."""
    items = [missing(PREFIX), missing(PREFIX + '/.condarc'), missing(os.path.dirname(record_path())),
             missing(record_path()), missing(legacy_path())]
    return {'changed': False, 'root_prefix': PREFIX, 'root_exists': False, 'conda_executable': None,
            'conda_version': None, 'condarc': None, 'envs': {}, 'paths': dict((item['path'], item) for item in items)}


def converged_host(prefix=PREFIX, root_prefix=None) -> dict:
    """A host where every task of the role would change nothing: conda works, the role's record names
    INSTALLER with MAIN's terms accepted, the .condarc, CA bundle, shell blocks, envs and exports hold."""
    items = [folder(prefix), text_file(prefix + '/.condarc', CONDARC_TEXT),
             folder(os.path.dirname(record_path(prefix))),
             text_file(record_path(prefix), record_text(tos_accepted=[MAIN]), content=True),
             missing(legacy_path(prefix)), text_file(ca_bundle_path(prefix), 'CA\n'), folder(EXPORT_DIR)]
    items += [text_file(block['path'], '# rc\n', block_holds=True) for block in SHELLS]
    return {'changed': False, 'root_prefix': root_prefix or prefix, 'root_exists': True,
            'conda_executable': prefix + '/bin/conda', 'conda_version': '24.7.1', 'condarc': CONDARC_TEXT,
            'envs': {'base': {'converged': True}, 'build': {'converged': True}, 'web': {'converged': True}},
            'base_packages': {'converged': True, 'unsatisfied': [], 'undecided': []},
            'exports': [{'environment': item['environment'], 'dest': item['dest'], 'converged': True, 'reason': '',
                         'owner': OWNER, 'group': GROUP, 'mode': '0644'} for item in EXPORTS],
            'paths': dict((item['path'], item) for item in items)}


def with_paths(info: dict, *items) -> dict:
    """``info`` with these path facts in place of those it read at the same paths."""
    changed = copy.deepcopy(info)
    changed['paths'].update((item['path'], item) for item in items)
    return changed


def inspected(info: dict, installer=INSTALLER) -> dict:
    """miniconda_inspected as inspect.yml calls it."""
    return miniconda_inspected(info, installer=installer, record=record_path(), legacy_record=legacy_path())


FOUND = {'action': 'none', 'tos_accepted': [MAIN], 'legacy_record': False}


def plan_for(info: dict, found=None, **given) -> dict:
    """miniconda_plan as inspect.yml calls it with every option the role can give, ``given`` overriding."""
    arguments = dict(owner=OWNER, group=GROUP, condarc=CONDARC_TEXT,
                     ca_bundle={'path': ca_bundle_path(), 'checksum': sha1('CA\n')},
                     record={'path': record_path(), 'text': record_text(tos_accepted=[MAIN])},
                     tos_channels=[MAIN], shells=SHELLS, environments=ENVIRONMENTS, base_packages=['toolz'],
                     export_dir=EXPORT_DIR, exports=EXPORTS)
    arguments.update(given)
    return miniconda_plan(info, FOUND if found is None else found, **arguments)


def names(items) -> list:
    return [item['name'] for item in items]


# -- miniconda_inspected ---------------------------------------------------------------------------

def test_a_bare_host_is_installed():
    found = inspected(bare_host())
    assert found['action'] == 'install'
    assert found['tos_accepted'] == []
    assert found['legacy_record'] is False


def test_a_working_conda_with_the_requested_installer_recorded_is_left_alone():
    found = inspected(converged_host())
    assert found['action'] == 'none'
    assert found['tos_accepted'] == [MAIN]
    assert found['legacy_record'] is False


def test_a_working_conda_of_another_installer_is_updated():
    assert inspected(converged_host(), installer='Miniconda3-py312_25.1.1-0-MacOSX-arm64.sh')['action'] == 'update'


def test_a_working_conda_without_a_record_is_updated():
    info = with_paths(converged_host(), missing(record_path()))
    found = inspected(info)
    assert found['action'] == 'update'
    assert found['tos_accepted'] == []


@pytest.mark.parametrize('broken', [{'conda_executable': None}, {'conda_version': None},
                                    {'conda_executable': None, 'conda_version': None}],
                         ids=['no-executable-conda', 'no-conda-record', 'neither'])
def test_a_prefix_without_a_working_conda_is_repaired(broken):
    info = dict(converged_host(), **broken)
    assert inspected(info)['action'] == 'repair'


def test_a_prefix_that_is_not_there_is_installed_even_with_a_conda_reported():
    info = with_paths(converged_host(), missing(PREFIX))
    assert inspected(info)['action'] == 'install'


def test_a_0_1_0_record_stands_for_the_roles_own_while_it_is_in_conda_meta():
    legacy = text_file(legacy_path(), record_text(tos_accepted=[MAIN, R]), content=True)
    found = inspected(with_paths(converged_host(), missing(record_path()), legacy))
    assert found['legacy_record'] is True
    assert found['action'] == 'none'  # its installer is the requested one
    assert found['tos_accepted'] == [MAIN, R]


def test_the_roles_record_wins_over_a_0_1_0_record_still_there():
    legacy = text_file(legacy_path(), record_text(installer='Old.sh', tos_accepted=[R]), content=True)
    found = inspected(with_paths(converged_host(), legacy))
    assert found['legacy_record'] is True
    assert (found['action'], found['tos_accepted']) == ('none', [MAIN])


def test_an_unreadable_roles_record_gives_way_to_the_0_1_0_record():
    unreadable = text_file(record_path(), record_text(installer='Other.sh'))  # exists, content not read
    legacy = text_file(legacy_path(), record_text(tos_accepted=[R]), content=True)
    found = inspected(with_paths(converged_host(), unreadable, legacy))
    assert (found['action'], found['tos_accepted']) == ('none', [R])


def test_a_0_1_0_record_without_content_is_still_reported():
    found = inspected(with_paths(converged_host(), missing(record_path()), text_file(legacy_path(), '{}')))
    assert found['legacy_record'] is True
    assert found['action'] == 'update'  # nothing read says which installer made it


# -- miniconda_plan: a converged host ----------------------------------------------------------------

def test_a_converged_host_has_nothing_to_do():
    plan = plan_for(converged_host())
    assert plan['fast'] is True
    assert plan['prefix'] is False
    assert plan['condarc'] is False
    assert plan['ca_bundle'] is False
    assert plan['tos_channels'] == []
    assert plan['record'] is False
    assert plan['shells'] == []
    assert plan['base'] is False
    assert plan['environments'] == []
    assert plan['export_dir'] is False
    assert plan['exports'] == []


def test_what_the_inspection_found_feeds_the_plan():
    info = converged_host()
    assert plan_for(info, found=inspected(info))['fast'] is True
    bare = bare_host()
    plan = plan_for(bare, found=inspected(bare))
    assert (plan['fast'], plan['prefix'], plan['condarc'], plan['record']) == (False, True, True, True)
    assert names(plan['environments']) == ['build', 'web']


# -- the prefix's ownership -------------------------------------------------------------------------

@pytest.mark.parametrize('facts', [folder(PREFIX, owner='root'), folder(PREFIX, group='admin'),
                                   folder(PREFIX, mode='0775'), missing(PREFIX),
                                   text_file(PREFIX, 'not a folder')],
                         ids=['other-owner', 'other-group', 'other-mode', 'missing', 'a-file'])
def test_a_prefix_not_owned_as_the_role_sets_it_is_set(facts):
    plan = plan_for(with_paths(converged_host(), facts))
    assert plan['prefix'] is True
    assert plan['fast'] is True  # the owner of the prefix is no reason to distrust the envs' verdicts


@pytest.mark.parametrize('action', ['install', 'repair', 'update'])
def test_the_prefix_is_set_after_any_install(action):
    assert plan_for(converged_host(), found=dict(FOUND, action=action))['prefix'] is True


# -- the root .condarc --------------------------------------------------------------------------------

def test_a_condarc_holding_the_text_the_role_writes_is_left_alone():
    assert plan_for(converged_host(), condarc=CONDARC_TEXT)['condarc'] is False


@pytest.mark.parametrize('facts', [text_file(PREFIX + '/.condarc', CONDARC_TEXT + 'report_errors: false\n'),
                                   text_file(PREFIX + '/.condarc', CONDARC_TEXT, owner='root'),
                                   text_file(PREFIX + '/.condarc', CONDARC_TEXT, group='wheel'),
                                   text_file(PREFIX + '/.condarc', CONDARC_TEXT, mode='0600'),
                                   missing(PREFIX + '/.condarc')],
                         ids=['other-text', 'other-owner', 'other-group', 'other-mode', 'missing'])
def test_a_condarc_that_differs_is_written(facts):
    assert plan_for(with_paths(converged_host(), facts))['condarc'] is True


def test_other_condarc_text_is_written():
    assert plan_for(converged_host(), condarc='channels:\n- defaults\n')['condarc'] is True


# -- the CA bundle --------------------------------------------------------------------------------

def test_no_ca_bundle_is_copied_when_none_is_given():
    info = with_paths(converged_host(), missing(ca_bundle_path()))
    assert plan_for(info, ca_bundle=None)['ca_bundle'] is False


def test_a_ca_bundle_with_the_checksum_of_the_source_is_left_alone():
    ca_bundle = {'path': ca_bundle_path(), 'checksum': sha1('CA\n')}
    assert plan_for(converged_host(), ca_bundle=ca_bundle)['ca_bundle'] is False


@pytest.mark.parametrize('facts', [text_file(ca_bundle_path(), 'OLD CA\n'),
                                   text_file(ca_bundle_path(), 'CA\n', group='wheel'),
                                   text_file(ca_bundle_path(), 'CA\n', mode='0600'), missing(ca_bundle_path())],
                         ids=['other-checksum', 'other-group', 'other-mode', 'missing'])
def test_a_ca_bundle_that_differs_is_copied(facts):
    plan = plan_for(with_paths(converged_host(), facts))
    assert plan['ca_bundle'] is True
    assert plan['fast'] is True  # a new CA bundle changes no env's verdict


# -- terms of service and the record ------------------------------------------------------------------

def test_only_the_channels_not_accepted_yet_are_accepted():
    found = dict(FOUND, tos_accepted=[MAIN])
    assert plan_for(converged_host(), found=found, tos_channels=[MAIN, R])['tos_channels'] == [R]
    assert plan_for(converged_host(), found=found, tos_channels=[MAIN])['tos_channels'] == []
    none_yet = dict(FOUND, tos_accepted=[])
    assert plan_for(converged_host(), found=none_yet, tos_channels=[MAIN])['tos_channels'] == [MAIN]
    assert plan_for(converged_host(), tos_channels=None)['tos_channels'] == []


def test_no_record_is_written_when_the_run_rewrites_none():
    info = with_paths(converged_host(), missing(record_path()))
    assert plan_for(info, record=None)['record'] is False


def test_a_record_holding_the_text_the_run_writes_is_left_alone():
    text = record_text(tos_accepted=[MAIN])
    assert plan_for(converged_host(), record={'path': record_path(), 'text': text})['record'] is False


def test_a_record_with_other_text_is_written():
    text = record_text(tos_accepted=[MAIN, R])
    assert plan_for(converged_host(), record={'path': record_path(), 'text': text})['record'] is True


@pytest.mark.parametrize('facts', [
    text_file(record_path(), record_text(tos_accepted=[MAIN]), owner='root', content=True),
    text_file(record_path(), record_text(tos_accepted=[MAIN]), mode='0600', content=True),
    missing(record_path()),
    folder(os.path.dirname(record_path()), owner='root'),
    folder(os.path.dirname(record_path()), group='wheel'),
    missing(os.path.dirname(record_path())),
], ids=['file-owner', 'file-mode', 'file-missing', 'folder-owner', 'folder-group', 'folder-missing'])
def test_a_record_or_its_folder_not_as_the_role_writes_them_is_written(facts):
    assert plan_for(with_paths(converged_host(), facts))['record'] is True


# -- the shells' blocks ---------------------------------------------------------------------------

def test_only_the_rc_files_not_holding_the_block_are_written():
    zshrc, bash_profile = SHELLS
    assert (zshrc['path'], bash_profile['path']) == ('/Users/builder/.zshrc', '/Users/builder/.bash_profile')
    info = with_paths(converged_host(), missing(bash_profile['path']))
    assert plan_for(info)['shells'] == [bash_profile]


@pytest.mark.parametrize('facts', [
    {'block_holds': False}, {'owner': 'root'}, {'mode': '0600'}, {'type': 'directory'},
], ids=['block-differs', 'other-owner', 'other-mode', 'not-a-file'])
def test_an_rc_file_not_holding_the_block_as_the_role_leaves_it_is_written(facts):
    zshrc = SHELLS[0]
    info = with_paths(converged_host(), dict(text_file(zshrc['path'], '# rc\n', block_holds=True), **facts))
    assert plan_for(info)['shells'] == [zshrc]


def test_the_group_of_an_rc_file_is_not_the_roles_to_set():
    zshrc = SHELLS[0]
    info = with_paths(converged_host(), text_file(zshrc['path'], '# rc\n', group='wheel', block_holds=True))
    assert plan_for(info)['shells'] == []  # shell_init.yml's blockinfile sets owner and mode, no group


def test_no_shell_blocks_none_written():
    info = with_paths(converged_host(), *[missing(block['path']) for block in SHELLS])
    assert plan_for(info, shells=[])['shells'] == []


# -- base and the environments ------------------------------------------------------------------------

def test_only_the_environments_not_converged_are_converged():
    info = converged_host()
    info['envs']['web'] = {'converged': False}
    environments = ENVIRONMENTS + [{'name': 'new', 'packages': ['numpy']}]  # conda_info reads no verdict for it
    assert names(plan_for(info, environments=environments)['environments']) == ['web', 'new']


def test_root_is_decided_by_the_verdict_of_base():
    info = converged_host()
    root = [{'name': 'root', 'packages': ['toolz']}]
    assert plan_for(info, environments=root)['environments'] == []
    info['envs']['base'] = {'converged': False}
    assert names(plan_for(info, environments=root)['environments']) == ['root']


@pytest.mark.parametrize('why', ['install', 'repair', 'update', 'condarc', 'legacy-record'])
def test_every_env_base_and_export_runs_when_the_install_or_its_condarc_changes_first(why):
    info, found = converged_host(), dict(FOUND)
    if why == 'condarc':
        info = with_paths(info, text_file(PREFIX + '/.condarc', 'channels:\n- defaults\n'))
    elif why == 'legacy-record':
        found['legacy_record'] = True
    else:
        found['action'] = why
    plan = plan_for(info, found=found)
    assert plan['fast'] is False
    assert names(plan['environments']) == ['build', 'web']
    assert plan['base'] is True
    assert plan['export_dir'] is True
    assert plan['exports'] == EXPORTS


def test_every_export_runs_when_the_install_changes_first_even_of_an_env_not_converged_here():
    plan = plan_for(converged_host(), found=dict(FOUND, action='update'), environments=[])
    assert plan['environments'] == []
    assert plan['exports'] == EXPORTS


def test_what_does_not_touch_the_envs_keeps_their_verdicts():
    info = with_paths(converged_host(), folder(PREFIX, owner='root'), text_file(ca_bundle_path(), 'OLD\n'),
                      missing(record_path()), *[missing(block['path']) for block in SHELLS])
    plan = plan_for(info, tos_channels=[MAIN, R])
    assert (plan['prefix'], plan['ca_bundle'], plan['record'], len(plan['shells'])) == (True, True, True, 2)
    assert plan['tos_channels'] == [R]
    assert plan['fast'] is True
    assert (plan['environments'], plan['base'], plan['exports']) == ([], False, [])


def test_base_packages_are_converged_unless_base_holds_them():
    info = converged_host()
    assert plan_for(info, base_packages=['toolz'])['base'] is False
    assert plan_for(info, base_packages=[])['base'] is False
    assert plan_for(info, base_packages=None)['base'] is False
    info['base_packages'] = {'converged': False, 'unsatisfied': ['toolz'], 'undecided': []}
    assert plan_for(info, base_packages=['toolz'])['base'] is True
    assert plan_for(info, base_packages=[])['base'] is False
    del info['base_packages']  # conda_info was given none
    assert plan_for(info, base_packages=['toolz'])['base'] is True


# -- the exports ----------------------------------------------------------------------------------

def test_no_export_folder_without_an_export_dir():
    info = with_paths(converged_host(), missing(EXPORT_DIR))
    assert plan_for(info, export_dir='', exports=[])['export_dir'] is False


@pytest.mark.parametrize('facts', [missing(EXPORT_DIR), folder(EXPORT_DIR, owner='root'),
                                   folder(EXPORT_DIR, group='wheel'), folder(EXPORT_DIR, mode='0700')],
                         ids=['missing', 'other-owner', 'other-group', 'other-mode'])
def test_an_export_folder_not_as_the_role_makes_it_is_made(facts):
    assert plan_for(with_paths(converged_host(), facts))['export_dir'] is True


def test_only_the_exports_whose_file_does_not_hold_are_exported():
    info = converged_host()
    info['exports'][1] = dict(info['exports'][1], converged=False, reason='the file differs')
    build, web = EXPORTS
    assert (build['dest'], web['dest']) == (EXPORT_DIR + '/build.yml', EXPORT_DIR + '/web.yml')
    assert plan_for(info)['exports'] == [web]


def test_the_export_of_an_env_converged_in_this_run_is_exported():
    info = converged_host()
    info['envs']['build'] = {'converged': False}
    plan = plan_for(info)
    assert names(plan['environments']) == ['build']
    assert plan['exports'] == [EXPORTS[0]]


def test_an_export_whose_file_has_another_group_is_exported():
    info = converged_host()  # conda_info compares the group it was given; the plan knows the owner's group
    info['exports'][0] = dict(info['exports'][0], group='wheel')
    assert plan_for(info)['exports'] == [EXPORTS[0]]


def test_an_export_whose_file_has_another_owner_is_exported():
    info = converged_host()  # the probe reads before the owner is known: the plan compares the owner too
    info['exports'][0] = dict(info['exports'][0], owner='root')
    assert plan_for(info)['exports'] == [EXPORTS[0]]


def test_an_export_conda_info_gave_no_verdict_for_is_exported():
    info = converged_host()
    info['exports'] = info['exports'][1:]
    assert plan_for(info)['exports'] == [EXPORTS[0]]


# -- found bugs ---------------------------------------------------------------------------------------

# The role builds every path it gives conda_info (the prefix, its .condarc, the record) from the platform's
# prefix, and conda_info names the root it read normalised: a prefix given as /opt/miniconda3/ must come
# out of miniconda_platform as /opt/miniconda3, or a working install is never found.
def _trailing_slash_host():
    given = miniconda_platform({'system': 'Darwin', 'architecture': 'arm64'}, prefix=PREFIX + '/')['prefix']
    return given, converged_host(prefix=given, root_prefix=os.path.normpath(PREFIX + '/'))


def test_a_prefix_given_with_a_trailing_slash_is_found_installed():
    given, info = _trailing_slash_host()
    found = miniconda_inspected(info, installer=INSTALLER, record=record_path(given), legacy_record=legacy_path(given))
    assert found['action'] == 'none'


def test_a_prefix_given_with_a_trailing_slash_keeps_its_condarc_and_fast_path():
    given, info = _trailing_slash_host()
    plan = miniconda_plan(info, FOUND, owner=OWNER, group=GROUP, condarc=CONDARC_TEXT,
                          record={'path': record_path(given), 'text': record_text(tos_accepted=[MAIN])})
    assert (plan['prefix'], plan['condarc'], plan['fast']) == (False, False, True)
