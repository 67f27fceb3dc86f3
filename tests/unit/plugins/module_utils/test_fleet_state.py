"""_fleet_state: an installation read in one pass, and each env's distance from a role declaration."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import time

import pytest
from conda_testbed.session import RECORDINGS

from ansible_collections.macfleet.conda.plugins.module_utils import _fleet_state as fleet
from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import mask_settings
from ansible_collections.macfleet.conda.plugins.module_utils._export_render import render_export

RECORDED = RECORDINGS / 'conda-meta_myenv_after_installs'  # python 3.9.18, pip 23.3, numpy 1.19.2, toolz 0.11.2
SITE = 'lib/python3.9/site-packages'


def make_env(prefix, recorded=RECORDED):
    shutil.copytree(recorded, prefix / 'conda-meta')
    return prefix


def dist_info(prefix, name, version, requires=()):
    folder = prefix / SITE / ('%s-%s.dist-info' % (name.replace('-', '_'), version))
    folder.mkdir(parents=True)
    (folder / 'METADATA').write_text('Metadata-Version: 2.1\nName: %s\nVersion: %s\n%s\n' % (
        name, version, ''.join('Requires-Dist: %s\n' % line for line in requires)))
    (folder / 'RECORD').write_text('')


@pytest.fixture
def myenv(tmp_path):
    prefix = make_env(tmp_path / 'root' / 'envs' / 'myenv')
    dist_info(prefix, 'macfleet-demo-b', '2.0.0', ['macfleet-demo-a>=1'])
    dist_info(prefix, 'macfleet-demo-a', '1.1.0')
    (prefix / 'conda-meta' / 'state').write_text(json.dumps({'env_vars': {'BUILD_PROFILE': 'release', 'JOBS': 4,
                                                                          'OLD': '***unset***'}}))
    return prefix


def state_of(prefix):
    return fleet.EnvState(str(prefix))


def test_an_env_is_reported_from_its_records_history_state_and_site_packages(myenv):
    report = state_of(myenv).report()
    assert report['exists'] is True and report['prefix'] == str(myenv)
    assert report['packages'] == [
        {'name': 'numpy', 'version': '1.19.2', 'build': 'py39hf4c9891_0', 'channel': 'file:///srv/conda-channel'},
        {'name': 'pip', 'version': '23.3', 'build': 'pyhdba3a45_0', 'channel': 'file:///srv/conda-channel'},
        {'name': 'python', 'version': '3.9.18', 'build': 'h2860985_0', 'channel': 'file:///srv/conda-channel'},
        {'name': 'toolz', 'version': '0.11.2', 'build': 'pyh3e3cb63_0', 'channel': 'file:///srv/conda-channel'}]
    assert report['requested'] == {'python': 'python=3.9', 'numpy': 'numpy=1.19.2', 'toolz': 'toolz=0.11.2'}
    assert report['pip_packages'] == [{'name': 'macfleet-demo-a', 'version': '1.1.0'},
                                      {'name': 'macfleet-demo-b', 'version': '2.0.0'}]
    # an unset variable is gone, a number reads as the text conda activation exports
    assert report['variables'] == {'BUILD_PROFILE': 'release', 'JOBS': '4'}
    assert 'error' not in report


def test_a_corrupt_record_is_the_envs_error_not_the_runs(myenv):
    (myenv / 'conda-meta' / 'toolz-0.11.2-pyh3e3cb63_0.json').write_text('{"name": ')
    state = state_of(myenv)
    report = state.report()
    assert 'toolz-0.11.2-pyh3e3cb63_0.json is not valid JSON' in report['error']
    assert report['packages'] == []
    declared = fleet.declarations([{'name': 'myenv', 'packages': ['numpy']}])[0]
    assert fleet.verdict(declared, state)['converged'] is False


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv('TZ', 'UTC')
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _age(prefix, stamp):
    for path in [prefix / 'conda-meta', *(prefix / 'conda-meta').iterdir(), prefix / SITE]:
        if path.exists():
            os.utime(path, (stamp, stamp))


def test_last_modified_is_the_last_history_entry_when_it_is_the_latest(myenv, utc):
    _age(myenv, time.mktime((2020, 1, 1, 0, 0, 0, 0, 0, 0)))
    assert state_of(myenv).report()['last_modified'] == '2026-11-30T15:47:11Z'


def test_last_modified_is_a_later_write_than_the_history(myenv, utc):
    _age(myenv, time.mktime((2020, 1, 1, 0, 0, 0, 0, 0, 0)))
    (myenv / 'conda-meta' / 'history').write_text('')  # no entry at all
    later = time.mktime((2027, 3, 4, 5, 6, 7, 0, 0, 0))
    os.utime(myenv / SITE, (later, later))  # what a pip install leaves
    assert state_of(myenv).report()['last_modified'] == '2027-03-04T05:06:07Z'


def test_conda_version_from_the_record_then_from_a_pip_installed_conda(tmp_path):
    assert fleet.conda_version(str(tmp_path), [{'name': 'conda', 'version': '25.9.1'}]) == '25.9.1'
    assert fleet.conda_version(str(tmp_path), []) is None
    (tmp_path / 'lib' / 'python3.11' / 'site-packages' / 'conda-26.7.1.dist-info').mkdir(parents=True)
    assert fleet.conda_version(str(tmp_path), []) == '26.7.1'


def test_platform_is_conda_subdir_then_the_roots_packages_then_the_host(monkeypatch):
    intel = [{'subdir': 'osx-64'}, {'subdir': 'osx-64'}, {'subdir': 'noarch'}]
    assert fleet.root_platform(intel, {}) == 'osx-64'
    assert fleet.root_platform(intel, {'CONDA_SUBDIR': 'osx-arm64'}) == 'osx-arm64'
    monkeypatch.setattr(fleet.conda_root.platform, 'system', lambda: 'Darwin')
    monkeypatch.setattr(fleet.conda_root.platform, 'machine', lambda: 'arm64')
    assert fleet.root_platform([{'subdir': 'noarch'}], {}) == 'osx-arm64'


def test_condarc_credentials_are_masked_in_urls_and_by_key():
    text = ('channels:\n  - https://builder:chan-pass@conda.example.com/private\n'
            '  - https://conda.example.com/t/tk-12345/internal\n'
            'proxy_servers:\n  https: http://proxyuser:proxy-pass@proxy.example.com:3128\n'
            'anaconda_upload_token: upl-6789\n'
            'channel_settings:\n  - channel: https://conda.example.com/secure\n    password: "p@ss word"\n'
            'ssl_verify: true\n')
    masked = mask_settings(text)
    for secret in ('chan-pass', 'tk-12345', 'proxy-pass', 'upl-6789', 'p@ss word', 'proxyuser'):
        assert secret not in masked
    assert 'ssl_verify: true\n' in masked and '    password: ********\n' in masked
    assert 'anaconda_upload_token: ********\n' in masked


def test_envs_are_base_then_the_envs_dirs_then_environments_txt(tmp_path):
    root, home = tmp_path / 'root', tmp_path / 'home'
    make_env(root)
    make_env(root / 'envs' / 'b')
    make_env(root / 'envs' / 'a')
    (root / 'envs' / 'not-an-env').mkdir()
    extra = tmp_path / 'extra'
    make_env(extra / 'a')  # CONDA_ENVS_PATH comes first: root/envs/a is reachable by prefix only
    make_env(extra / 'c')
    outside = make_env(tmp_path / 'projects' / 'tool-env')
    (home / '.conda').mkdir(parents=True)
    (home / '.conda' / 'environments.txt').write_text('%s\n%s\n/gone/env\n' % (outside, root / 'envs' / 'a'))
    found, warnings = fleet.known_envs(str(root), str(home), {'CONDA_ENVS_PATH': str(extra)})
    assert found == [('base', str(root)), ('a', str(extra / 'a')), ('c', str(extra / 'c')),
                     (str(root / 'envs' / 'a'), str(root / 'envs' / 'a')), ('b', str(root / 'envs' / 'b')),
                     (str(outside), str(outside))]
    assert warnings == []


def test_envs_dirs_this_reader_cannot_read_fall_back_with_a_warning(tmp_path):
    root, home = tmp_path / 'root', tmp_path / 'home'
    make_env(root)
    make_env(root / 'envs' / 'a')
    home.mkdir()
    (root / '.condarc').write_text('envs_dirs: [/somewhere/else]\n')
    found, warnings = fleet.known_envs(str(root), str(home), {})
    assert [key for key, _prefix in found] == ['base', 'a']
    assert len(warnings) == 1 and 'not a block list' in warnings[0]


def declared(**item):
    return fleet.declarations([dict({'name': 'myenv'}, **item)])[0]


def test_a_converged_env(myenv):
    verdict = fleet.verdict(declared(python='3.9', packages=['numpy=1.19.2', 'toolz'], pip=['macfleet-demo-b>=2'],
                                     variables={'BUILD_PROFILE': 'release', 'JOBS': 4}), state_of(myenv))
    assert verdict == {'declared_state': 'present', 'converged': True, 'unsatisfied': [], 'undecided': [],
                       'extraneous': []}


def test_drift_names_each_spec_requirement_and_variable_not_met(myenv):
    verdict = fleet.verdict(declared(python='3.9', packages=['numpy=1.26.4', 'requests'],
                                     pip=['--no-index', 'macfleet-demo-b>=2', 'macfleet-demo-c'],
                                     variables={'BUILD_PROFILE': 'debug', 'NEW': 'x', 'JOBS': '4'}), state_of(myenv))
    assert verdict['converged'] is False
    assert verdict['unsatisfied'] == ['numpy=1.26.4', 'requests', 'macfleet-demo-c (pypi)',
                                      'BUILD_PROFILE=debug (env var)', 'NEW=x (env var)']
    assert verdict['undecided'] == [] and verdict['extraneous'] == []


def test_what_only_conda_or_pip_can_tell_is_undecided(myenv):
    verdict = fleet.verdict(declared(packages=['numpy[features=mkl]'],
                                     pip=['git+https://example.com/tool.git']), state_of(myenv))
    assert verdict['unsatisfied'] == []
    assert verdict['undecided'] == ['numpy[features=mkl]',
                                    'git+https://example.com/tool.git (pypi)']
    assert verdict['converged'] is False


def test_prune_lists_what_conda_env_would_remove(myenv):
    verdict = fleet.verdict(declared(packages=['numpy'], pip=['macfleet-demo-a'], variables={'JOBS': 4},
                                     prune=True), state_of(myenv))
    # numpy needs python; pip stays because pip requirements are declared; macfleet-demo-a needs nothing
    assert verdict['unsatisfied'] == []
    assert verdict['extraneous'] == ['toolz', 'macfleet-demo-b (pypi)', 'BUILD_PROFILE (env var)']
    assert verdict['converged'] is False


def test_a_missing_env_lists_everything_it_declares(myenv):
    verdict = fleet.verdict(declared(python='>=3.10', packages=['numpy'], pip=['--no-index', 'attrs'],
                                     variables={'API_TOKEN': 'tok-1', 'X': 1}), None)
    assert verdict['unsatisfied'] == ['python>=3.10', 'numpy', 'attrs (pypi)', 'API_TOKEN=******** (env var)',
                                      'X=1 (env var)']
    assert verdict['converged'] is False
    assert fleet.verdict(declared(), None)['unsatisfied'] == ['the env (it does not exist)']
    assert fleet.verdict(declared(state='absent'), None)['converged'] is True
    gone = fleet.verdict(declared(state='absent'), state_of(myenv))
    assert gone['converged'] is False and gone['extraneous'] == ['the env (declared absent)']


def test_a_spec_item_reads_like_conda_envs_spec_and_file_or_src_are_undecided(myenv):
    spec = {'channels': ['nodefaults'], 'dependencies': ['numpy=1.19', {'pip': ['macfleet-demo-a==1.1.0']}],
            'variables': {'JOBS': 4}}
    assert fleet.verdict(declared(spec=spec), state_of(myenv))['converged'] is True
    verdict = fleet.verdict(declared(src='build-env.yml'), state_of(myenv))
    assert verdict['converged'] is False
    assert verdict['undecided'] == ['src build-env.yml (read by the controller: give its content as spec)']
    assert 'update_all' in fleet.verdict(declared(update_all=True), state_of(myenv))['undecided'][0]


@pytest.mark.parametrize('items, fragment', [
    (['myenv'], 'declared[0] must be a mapping'),
    ([{'python': '3.9'}], 'declared[0] has no name'),
    ([{'name': 'a'}, {'name': 'my env'}], "declared[1] (my env): invalid env name, an env name must not contain ' '"),
    ([{'name': 'a', 'pakages': ['numpy']}], 'declared[0] (a) has keys a miniconda_environments item does not have: '
                                            'pakages'),
    ([{'name': 'a', 'state': 'latest'}], "state must be one of present, absent, got 'latest'"),
    ([{'name': 'a', 'packages': 'numpy'}], "packages must be a list of strings, got 'numpy'"),
    ([{'name': 'a', 'packages': ['numpy>=>1']}], "declared[0] (a): Invalid spec 'numpy>=>1'"),
    ([{'name': 'a', 'pip': ['requests>=>2']}], "declared[0] (a): Invalid requirement 'requests>=>2'"),
    ([{'name': 'a', 'variables': {'PATH': '/x'}}], 'declared[0] (a) variables: PATH is reserved'),
    ([{'name': 'a', 'pip': ['x'], 'src': 'env.yml'}], 'pip and src cannot be given together'),
    ([{'name': 'a', 'state': 'absent', 'packages': ['numpy']}], 'state=absent removes the whole env'),
    ([{'name': 'a', 'prune': 'yes'}], "prune must be true or false, got 'yes'"),
    ([{'name': 'a', 'spec': {'dependencies': ['numpy'], 'pip_extra': []}}],
     'declared[0] (a) spec has keys this module does not know: pip_extra'),
    ([{'name': 'base'}, {'name': 'root'}], 'declared[1] (root): env base is already declared by declared[0]'),
])
def test_bad_declarations_fail_naming_the_item(items, fragment):
    with pytest.raises(fleet.DeclarationError) as raised:
        fleet.declarations(items)
    assert fragment in str(raised.value)
    assert str(raised.value).count('declared[') == 1 + ('already declared' in fragment)
    assert 'nothing was changed' not in str(raised.value).lower()


# -- what the miniconda role manages -----------------------------------------------------------

MARKERS = {'marker': '# {mark} conda initialize {mark}', 'marker_begin': '>>>', 'marker_end': '<<<'}
BLOCK = 'export PATH="/opt/miniconda3/bin:$PATH"'
WRITTEN = '# >>> conda initialize >>>\n%s\n# <<< conda initialize <<<\n' % BLOCK


@pytest.mark.parametrize('text, holds', [
    (WRITTEN, True),
    ('alias ll="ls -l"\n' + WRITTEN + 'export EDITOR=vi\n', True),       # where the owner put it, kept
    (WRITTEN.replace('/opt', '/usr/local'), False),                         # another prefix
    (WRITTEN.rstrip('\n'), False),                                          # blockinfile adds the newline
    ('export EDITOR=vi', False),                                            # appended after a line without newline
    ('', False),
    (WRITTEN + WRITTEN, True),                          # blockinfile rewrites the last one, the same: unchanged
    ('# <<< conda initialize <<<\n%s\n# >>> conda initialize >>>\n' % BLOCK, False),  # markers swapped
], ids=['alone', 'among-lines', 'other-block', 'no-final-newline', 'missing', 'empty', 'twice', 'swapped'])
def test_block_holds_exactly_when_blockinfile_would_leave_the_file(text, holds):
    assert fleet.block_holds(text.encode(), BLOCK, **MARKERS) is holds


def test_path_facts_say_what_copy_and_file_compare(tmp_path):
    path = tmp_path / 'record.json'
    path.write_text('{}\n')
    path.chmod(0o640)
    facts = fleet.path_facts(str(path), content=True)
    assert facts['type'] == 'file' and facts['mode'] == '0640'
    assert facts['checksum'] == hashlib.sha1(b'{}\n').hexdigest()  # copy's checksum
    assert facts['content'] == 'e30K'  # base64 of "{}\n", as slurp returns it
    assert fleet.path_facts(str(tmp_path))['type'] == 'directory'
    assert fleet.path_facts(str(tmp_path / 'nothing')) == {
        'path': str(tmp_path / 'nothing'), 'exists': False, 'type': None, 'owner': None, 'group': None,
        'mode': None, 'checksum': None}


def test_base_verdict_decides_as_conda_package_present(tmp_path):
    state = fleet.EnvState(str(make_env(tmp_path / 'base')))
    assert fleet.base_verdict(['numpy=1.19', 'toolz'], state) == {
        'converged': True, 'unsatisfied': [], 'undecided': []}
    assert fleet.base_verdict(['numpy=1.26', 'toolz'], state)['unsatisfied'] == ['numpy=1.26']
    assert fleet.base_verdict(['numpy=1.26'], None)['unsatisfied'] == ['numpy=1.26']
    assert not fleet.base_verdict(['numpy=='], state)['converged']


def test_export_verdict_compares_what_conda_export_writes(tmp_path):
    prefix = make_env(tmp_path / 'myenv')
    state = fleet.EnvState(str(prefix))
    content, _spec = render_export('myenv', state.records, history=state.history)
    dest = tmp_path / 'myenv.yml'
    export = {'environment': 'myenv', 'dest': str(dest), 'mode': '0644'}
    assert fleet.export_verdict(export, state)['reason'] == 'no file at dest'
    dest.write_text(content)
    dest.chmod(0o644)
    assert fleet.export_verdict(export, state)['converged'] is True
    dest.chmod(0o600)
    assert fleet.export_verdict(export, state)['reason'] == 'mode is 0600, not 0644'
    dest.chmod(0o644)
    dest.write_text(content + '# edited\n')
    assert fleet.export_verdict(export, state)['reason'] == 'its content differs'
    assert fleet.export_verdict(export, None)['converged'] is False


def test_a_declaration_that_cannot_be_read_is_undecided_when_asked(tmp_path):
    refused = {}
    items = [{'name': 'good', 'packages': ['toolz']}, {'name': 'bad', 'packages': ['numpy==']},
             {'name': 'twice'}, {'name': 'twice', 'python': '3.9'}]
    declared = fleet.declarations(items, refused)
    assert [declaration.name for declaration in declared] == ['good']
    assert sorted(refused) == ['bad', 'twice']
    assert fleet.refused_verdict(refused['bad'])['converged'] is False
    with pytest.raises(fleet.DeclarationError):
        fleet.declarations(items)


def test_conda_version_from_the_record_name_when_records_cannot_load(tmp_path):
    meta = tmp_path / 'conda-meta'
    meta.mkdir()
    (meta / 'conda-26.7.1-py311h06a4308_0.json').write_text('{}')
    (meta / 'conda-package-handling-2.2.0-py_0.json').write_text('{}')
    assert fleet.conda_version(str(tmp_path), []) == '26.7.1'


def test_host_facts_are_what_setup_calls_them():
    # The role feeds these to the filters that take ansible_facts: the names and values must be setup's.
    from ansible.module_utils.facts.system.platform import PlatformFactCollector
    from ansible.module_utils.facts.system.user import UserFactCollector
    setup = dict(PlatformFactCollector().collect(), **UserFactCollector().collect())
    facts = fleet.host_facts({'SUDO_USER': 'admin', 'HOME': '/x'})
    assert (facts['system'], facts['architecture'], facts['user_id']) == (
        setup['system'], setup['architecture'], setup['user_id'])
    assert facts['user_group'] == fleet.owner_group(setup['user_id'])
    assert facts['env'] == {'SUDO_USER': 'admin'}
    assert fleet.host_facts({})['env'] == {}


def test_without_details_an_env_is_where_it_is_and_when_it_changed(tmp_path):
    prefix = tmp_path / 'env'
    (prefix / 'conda-meta').mkdir(parents=True)
    (prefix / 'conda-meta' / 'history').write_text('')
    state = fleet.EnvState(str(prefix))
    full, short = state.report(), state.report(details=False)
    assert set(full) - set(short) == {'packages', 'requested', 'pip_packages', 'variables'}
    assert short == {'exists': True, 'prefix': str(prefix), 'last_modified': full['last_modified']}
    assert fleet.missing_report(details=False) == {'exists': False, 'prefix': None, 'last_modified': None}
