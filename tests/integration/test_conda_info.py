"""conda_info through Ansible against the test bed's conda: every env of the root read from disk (no conda
process), pip packages from a real pip install, config vars, and declarations judged as conda_env judges them.

The envs are made by conda_env (the env's genuine pip installs from the wheelhouse, ``pip_env``), so what
conda_info reads is what conda and pip wrote, with the stand-in and with a real conda.
"""
from __future__ import annotations

import datetime
import subprocess

import pytest

from conda_module_helpers import channel_args, installed, snapshot
from conda_testbed.playbook_runner import AnsibleRunner
from conda_testbed.session import COLLECTIONS, REAL_CONDA

MODULE = 'macfleet.conda.conda_info'
SECRET = 'tok-s3cr3t-4711'


@pytest.fixture
def runner(tmp_path, conda_root, pip_env) -> AnsibleRunner:
    work = tmp_path / 'ansible-info'
    work.mkdir()
    return AnsibleRunner(COLLECTIONS, work, env=dict(conda_root.env, **pip_env))


@pytest.fixture
def envs(runner, conda_root, real_python):
    """Two envs made by conda_env: ``pipenv`` (python, pip packages, config vars) and ``plain`` (numpy)."""
    made = runner.run_module('macfleet.conda.conda_env', channel_args(
        conda_root, name='pipenv', packages=[real_python.spec], pip=['macfleet-demo-b==2.0.0'],
        variables={'BUILD_PROFILE': 'release', 'API_TOKEN': SECRET}))
    assert made['changed'] is True, made
    made = runner.run_module('macfleet.conda.conda_env', channel_args(
        conda_root, name='plain', python='3.9', packages=['numpy=1.19.2']))
    assert made['changed'] is True, made
    conda_root.call_log.unlink()
    return {'pipenv': real_python.spec}


def info(runner, conda_root, check=False, **args):
    return runner.run_module(MODULE, dict(executable=str(conda_root.conda), **args), check=check)


def test_every_env_is_read_from_disk_with_no_conda_process(runner, conda_root, envs):
    result = info(runner, conda_root)
    assert conda_root.calls() == []
    assert result['changed'] is False and 'failed' not in result, result
    assert result['root_prefix'] == str(conda_root.prefix)
    assert result['platform'] in ('linux-64', 'linux-aarch64', 'osx-64', 'osx-arm64')
    if REAL_CONDA:  # the version conda itself prints (asked only now, after the module ran)
        printed = subprocess.run([str(conda_root.conda), '--version'], capture_output=True, text=True, check=True,
                                 env=dict(conda_root.env, PATH='/usr/bin:/bin')).stdout.split()
        assert printed[0] == 'conda' and result['conda_version'] == printed[1]
        conda_root.call_log.unlink()
    else:  # the stand-in prints the recordings' version, whatever its root's conda record says
        assert result['conda_version'] == installed(conda_root.prefix)['conda']
    got = result['envs']
    assert got['base']['prefix'] == str(conda_root.prefix)
    pipenv, plain = got['pipenv'], got['plain']
    assert pipenv['prefix'] == str(conda_root.env_prefix('pipenv')) and pipenv['exists'] is True
    assert plain['prefix'] == str(conda_root.env_prefix('plain'))
    assert {package['name']: package['version'] for package in plain['packages']} == installed(
        conda_root.env_prefix('plain'))
    numpy = next(package for package in plain['packages'] if package['name'] == 'numpy')
    assert numpy == {'name': 'numpy', 'version': '1.19.2', 'build': 'py39hf4c9891_0',
                     'channel': conda_root.channel_url}
    assert plain['requested'] == {'python': 'python=3.9', 'numpy': 'numpy=1.19.2'}
    assert plain['pip_packages'] == [] and plain['variables'] == {}
    # pip's packages, not the pip conda installed
    assert pipenv['pip_packages'] == [{'name': 'macfleet-demo-a', 'version': '1.1.0'},
                                      {'name': 'macfleet-demo-b', 'version': '2.0.0'}]
    assert pipenv['variables'] == {'API_TOKEN': '********', 'BUILD_PROFILE': 'release'}
    assert SECRET not in str(result)
    now = datetime.datetime.now(datetime.timezone.utc)
    for env in (pipenv, plain):
        changed = datetime.datetime.strptime(env['last_modified'], '%Y-%m-%dT%H:%M:%SZ').replace(
            tzinfo=datetime.timezone.utc)
        assert now - datetime.timedelta(minutes=10) < changed <= now + datetime.timedelta(seconds=2), env

    assert info(runner, conda_root, check=True)['envs'] == got
    assert conda_root.calls() == []


@pytest.mark.skipif(bool(REAL_CONDA), reason='the real conda root and its .condarc are shared by every test')
def test_condarc_credentials_are_masked_and_nowhere_in_the_result(runner, conda_root):
    condarc = conda_root.prefix / '.condarc'
    condarc.write_text(condarc.read_text() + (
        'channel_alias: https://builder:%s@conda.example.com\n'
        'proxy_servers:\n  https: http://proxy:%s@proxy.example.com:3128\n'
        'anaconda_upload_token: %s\n' % (SECRET, SECRET, SECRET)))
    result = info(runner, conda_root)
    assert 'channel_alias: https://********@conda.example.com\n' in result['condarc']
    assert 'https: http://********@proxy.example.com:3128\n' in result['condarc']
    assert 'anaconda_upload_token: ********\n' in result['condarc']
    assert SECRET not in str(result)
    assert conda_root.calls() == []


def test_declared_envs_converged_drifting_and_missing(runner, conda_root, envs):
    converged_pipenv = {'name': 'pipenv', 'packages': [envs['pipenv']], 'pip': ['macfleet-demo-b==2.0.0'],
                        'variables': {'BUILD_PROFILE': 'release'}}
    declared = [
        converged_pipenv,
        {'name': 'plain', 'python': '3.9', 'packages': ['numpy=1.26.4', 'toolz']},
        {'name': 'ghost', 'python': '3.11', 'pip': ['macfleet-demo-a']},
        {'name': 'retired', 'state': 'absent'},
    ]
    got = info(runner, conda_root, declared=declared)['envs']
    assert conda_root.calls() == []
    assert got['pipenv']['converged'] is True, got['pipenv']
    assert got['pipenv']['unsatisfied'] == [] and got['pipenv']['undecided'] == []
    assert got['plain']['converged'] is False
    assert got['plain']['unsatisfied'] == ['numpy=1.26.4', 'toolz']  # a wrong version, a missing spec
    assert got['ghost'] == {
        'exists': False, 'prefix': None, 'packages': [], 'requested': {}, 'pip_packages': [], 'variables': {},
        'last_modified': None, 'declared_state': 'present', 'converged': False,
        'unsatisfied': ['python=3.11', 'macfleet-demo-a (pypi)'], 'undecided': [], 'extraneous': []}
    assert got['retired']['exists'] is False and got['retired']['converged'] is True
    assert 'converged' not in got['base']  # not declared

    # without details: the same verdicts, none of the contents
    short = info(runner, conda_root, declared=declared, details=False)['envs']
    assert set(short) == set(got)
    for name, env in got.items():
        kept = dict((key, value) for key, value in env.items()
                    if key not in ('packages', 'requested', 'pip_packages', 'variables'))
        assert short[name] == kept, name
    assert conda_root.calls() == []

    drifting_pipenv = dict(converged_pipenv, pip=['macfleet-demo-b==2.0.0', 'macfleet-demo-c'],
                           variables={'BUILD_PROFILE': 'debug'})
    got = info(runner, conda_root, declared=[drifting_pipenv])['envs']
    assert got['pipenv']['converged'] is False
    assert got['pipenv']['unsatisfied'] == ['macfleet-demo-c (pypi)', 'BUILD_PROFILE=debug (env var)']
    assert conda_root.calls() == []

    # the verdicts are conda_env's: converged is a no-op for it (no conda), drifting is a change
    same = runner.run_module('macfleet.conda.conda_env', channel_args(conda_root, **converged_pipenv), check=True)
    assert same['changed'] is False, same
    assert conda_root.calls() == []
    plain = runner.run_module('macfleet.conda.conda_env', channel_args(conda_root, **declared[1]), check=True)
    assert plain['changed'] is True, plain


def test_bad_declarations_fail_clearly_before_anything_is_read(runner, conda_root):
    result = info(runner, conda_root, declared=[
        {'name': 'build', 'pip': ['--extra-index-url https://builder:%s@pypi.example.com/simple' % SECRET]},
        {'name': 'myenv', 'packages': ['numpy'], 'pakages': ['toolz']}])
    assert result['failed'] is True
    assert result['msg'] == ('declared[1] (myenv) has keys a miniconda_environments item does not have: pakages '
                             '(known: name, state, python, packages, channels, override_channels, pip, variables, '
                             'file, src, spec, prune, update_all).')
    assert SECRET not in str(result)
    assert conda_root.calls() == []


BLOCK_TEXTS = {
    'alone': '# >>> conda initialize >>>\n{block}\n# <<< conda initialize <<<\n',
    'among': 'alias ll="ls -l"\n# >>> conda initialize >>>\n{block}\n# <<< conda initialize <<<\nexport EDITOR=vi\n',
    'edited': '# >>> conda initialize >>>\n{block} # edited\n# <<< conda initialize <<<\n',
    'no-newline': '# >>> conda initialize >>>\n{block}\n# <<< conda initialize <<<',
    'twice': '# >>> conda initialize >>>\n{block}\n# <<< conda initialize <<<\n' * 2,
    'swapped': '# <<< conda initialize <<<\n{block}\n# >>> conda initialize >>>\n',
    'only-begin': '# >>> conda initialize >>>\n{block}\n',
    'none': 'export EDITOR=vi',
}


def test_block_holds_is_what_blockinfile_decides(runner, tmp_path):
    """conda_info's block_holds against blockinfile's own check mode, file by file."""
    block = 'export PATH="/opt/miniconda3/bin:$PATH"'
    markers = {'marker': '# {mark} conda initialize {mark}', 'marker_begin': '>>>', 'marker_end': '<<<'}
    files = {}
    for name, text in BLOCK_TEXTS.items():
        files[name] = tmp_path / ('%s.rc' % name)
        files[name].write_text(text.format(block=block))
    play = [{'hosts': 'localhost', 'gather_facts': False, 'tasks': [
        {'name': 'blockinfile', 'ansible.builtin.blockinfile': dict(markers, path='{{ item }}', block=block),
         'loop': [str(path) for path in files.values()], 'check_mode': True},
        {'name': 'info', MODULE: {'root': str(tmp_path / 'no-root'),
                                  'paths': [dict(markers, path=str(path), block=block) for path in files.values()]}},
    ]}]
    result = runner.run_playbook(play)
    assert result.rc == 0, result.stdout[-3000:]
    changed = dict((item['item'], item['changed']) for item in result.result('blockinfile')['results'])
    info = result.result('info')
    holds = dict((path, facts['block_holds']) for path, facts in info['paths'].items())
    assert holds == dict((path, not was_changed) for path, was_changed in changed.items())
    assert sorted(name for name, path in files.items() if holds[str(path)]) == ['alone', 'among', 'twice']
    # a root with nothing in it is an answer, not a failure: the role asks so on a bare host
    assert info['root_exists'] is False and info['conda_executable'] is None and info['envs'] == {}


def test_the_role_options_decide_as_the_modules_do(runner, conda_root, tmp_path):
    """base_packages as conda_package, exports as conda_export, each checked against the module's own run."""
    made = runner.run_module('macfleet.conda.conda_env', channel_args(conda_root, name='tools', packages=['toolz=0.12.0']))
    assert made['changed'] is True, made
    dest = tmp_path / 'tools.yml'
    owner = subprocess.run(['id', '-un'], capture_output=True, text=True, check=True).stdout.strip()
    export = {'environment': 'tools', 'dest': str(dest), 'owner': owner, 'mode': '0644'}
    # a package the root holds as a conda record (the stand-in's root has conda; a conda built from source,
    # installed by pip, has none)
    held = sorted(record['name'] for record in snapshot(conda_root.prefix).values())[:1]
    args = {'executable': str(conda_root.conda), 'base_packages': held + ['numpy=1.19.2'], 'exports': [export],
            'owner': owner}
    before = runner.run_module(MODULE, args)
    assert before['exports'][0]['converged'] is False and before['exports'][0]['reason'] == 'no file at dest'
    assert before['base_packages']['unsatisfied'] == ['numpy=1.19.2']
    assert before['owner_group']
    written = runner.run_module('macfleet.conda.conda_export', dict(export, executable=str(conda_root.conda)))
    assert written['changed'] is True, written
    after = runner.run_module(MODULE, args)
    assert after['exports'][0]['converged'] is True, after['exports']
    again = runner.run_module('macfleet.conda.conda_export', dict(export, executable=str(conda_root.conda)))
    assert again['changed'] is False
    dest.chmod(0o600)
    assert runner.run_module(MODULE, args)['exports'][0]['reason'] == 'mode is 0600, not 0644'
    if held:
        assert runner.run_module(MODULE, dict(args, base_packages=held))['base_packages']['converged'] is True
