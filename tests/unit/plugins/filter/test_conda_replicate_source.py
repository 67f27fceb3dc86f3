"""conda_replicate_source: which stored export each host of a mixed fleet applies, from files laid out as
playbooks/export.yml writes them (in a temporary folder)."""
from __future__ import annotations

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.macfleet.conda.plugins.filter.conda_replicate_source import conda_replicate_source

CH = 'https://conda.anaconda.org/conda-forge'
ENV_EXACT = {'name': 'myenv', 'channels': [CH], 'dependencies': [
    'python=3.9.7=h0_0', 'conda-forge::numpy=1.19.2=py39h1_0', 'toolz=0.11.2=pyhd8ed1ab_0', {'pip': ['requests==2.31.0']}]}
ENV_HISTORY = {'name': 'myenv', 'channels': [CH], 'dependencies': ['python=3.9', 'numpy>=1.19,<2', 'toolz==0.11.2']}
ARM = {'system': 'Darwin', 'architecture': 'arm64'}
INTEL = {'system': 'Darwin', 'architecture': 'x86_64'}


def _explicit(subdir):
    return ('# This file may be used to create an environment using:\n# platform: %s\n@EXPLICIT\n'
            '%s/%s/python-3.9.7-h0_0.conda#%s\n%s/noarch/toolz-0.11.2-pyhd8ed1ab_0.conda#%s\n'
            % (subdir, CH, subdir, 'a' * 32, CH, 'b' * 32))


def _conda_lock(*platforms):
    return yaml.safe_dump({'version': 1, 'metadata': {'platforms': list(platforms), 'channels': [], 'sources': [],
                                                      'content_hash': dict((p, 'x') for p in platforms)},
                           'package': [{'name': 'python', 'version': '3.9.7', 'manager': 'conda', 'platform': p,
                                        'url': '%s/%s/python-3.9.7-h0_0.conda' % (CH, p)} for p in platforms]})


@pytest.fixture
def store(tmp_path):
    def write(relative, content):
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content if isinstance(content, str) else yaml.safe_dump(content))
        return str(path)
    write.root = tmp_path
    return write


def _choose(store, facts, **kwargs):
    kwargs.setdefault('references', ['arm-ref', 'intel-ref'])
    return conda_replicate_source(['myenv'], facts=facts, export_dir=str(store.root / 'envs'), host='mac-1',
                                  **kwargs)['myenv']


def test_each_platform_gets_its_own_explicit_lock_whatever_the_order_of_the_references(store):
    arm = store('envs/arm-ref/myenv.txt', _explicit('osx-arm64'))
    intel = store('envs/intel-ref/myenv.txt', _explicit('osx-64'))
    store('envs/arm-ref/myenv.yml', ENV_HISTORY)
    for references in (['arm-ref', 'intel-ref'], ['intel-ref', 'arm-ref']):
        assert _choose(store, ARM, references=references)['path'] == arm
        chosen = _choose(store, INTEL, references=references)
        assert (chosen['kind'], chosen['path'], chosen['platform'], chosen['refusal']) == ('explicit', intel, 'osx-64', '')


def test_the_merged_conda_lock_comes_first_for_the_platforms_it_holds(store):
    merged = store('locks/myenv/conda-lock.yml', _conda_lock('osx-arm64'))
    intel = store('envs/intel-ref/myenv.txt', _explicit('osx-64'))
    lock_dir = str(store.root / 'locks')
    for mode in ('auto', 'lock'):
        chosen = _choose(store, ARM, lock_dir=lock_dir, mode=mode)
        assert (chosen['kind'], chosen['path']) == ('conda_lock', merged), mode
    assert _choose(store, INTEL, lock_dir=lock_dir, mode='lock')['path'] == intel
    # a host's own conda-lock export (conda_export_format=conda-lock) is a lock too
    one = store('envs/intel-ref/myenv.conda-lock.yml', _conda_lock('osx-64'))
    (store.root / 'envs/intel-ref/myenv.txt').unlink()
    assert _choose(store, INTEL, lock_dir=lock_dir, mode='lock')['path'] == one


def test_auto_never_replays_another_platforms_builds(store):
    store('envs/arm-ref/myenv.txt', _explicit('osx-arm64'))
    yml = store('envs/arm-ref/myenv.yml', ENV_EXACT)
    chosen = _choose(store, INTEL)
    assert (chosen['kind'], chosen['path'], chosen['builds_dropped']) == ('environment', yml, True)
    assert chosen['spec']['dependencies'] == [
        'python=3.9.7', 'conda-forge::numpy=1.19.2', 'toolz=0.11.2', {'pip': ['requests==2.31.0']}]
    assert chosen['spec']['channels'] == [CH] and 'no lock of osx-64 is stored' in chosen['why']


def test_a_from_history_environment_is_applied_as_stored(store):
    yml = store('envs/arm-ref/myenv.yml', ENV_HISTORY)
    for mode in ('auto', 'from_history', 'no_builds'):
        chosen = _choose(store, INTEL, mode=mode)
        assert (chosen['path'], chosen['spec'], chosen['builds_dropped']) == (yml, ENV_HISTORY, False), mode


def test_mode_lock_without_a_lock_of_the_platform_is_refused_naming_host_and_platform(store):
    store('envs/arm-ref/myenv.txt', _explicit('osx-arm64'))
    store('envs/arm-ref/myenv.yml', ENV_HISTORY)
    chosen = _choose(store, INTEL, mode='lock')
    assert chosen['kind'] == '' and chosen['spec'] is None
    assert 'host mac-1 (platform osx-64), env myenv' in chosen['refusal']
    assert 'no lock of osx-64 is stored' in chosen['refusal'] and 'arm-ref/myenv.txt holds osx-arm64' in chosen['refusal']


def test_from_history_refuses_an_environment_that_pins_builds(store):
    store('envs/arm-ref/myenv.yml', ENV_EXACT)
    refusal = _choose(store, ARM, mode='from_history')['refusal']
    assert 'pins builds' in refusal and 'conda_export_from_history=true' in refusal and 'mac-1' in refusal


def test_nothing_stored_is_refused_for_each_mode(store):
    for mode in ('auto', 'lock', 'from_history', 'no_builds'):
        refusal = _choose(store, ARM, mode=mode)['refusal']
        assert 'host mac-1 (platform osx-arm64), env myenv' in refusal, mode


def test_a_truncated_lock_is_refused_naming_the_file(store):
    path = store('envs/arm-ref/myenv.txt', '# platform: osx-arm64\n@EXPLICIT\nnot a url\n')
    refusal = _choose(store, ARM)['refusal']
    assert path in refusal and 'cannot be read' in refusal


def test_the_platform_from_facts_or_given(store):
    store('envs/arm-ref/myenv.yml', ENV_HISTORY)
    assert _choose(store, {'system': 'Linux', 'architecture': 'x86_64'})['platform'] == 'linux-64'
    assert _choose(store, {'system': 'Darwin', 'architecture': 'aarch64'})['platform'] == 'osx-arm64'
    assert _choose(store, ARM, platform='osx-64')['platform'] == 'osx-64'
    with pytest.raises(AnsibleFilterError, match='conda_replicate_platform'):
        _choose(store, {'system': 'Win32NT', 'architecture': 'x86_64'})
    with pytest.raises(AnsibleFilterError, match='mode must be one of'):
        _choose(store, ARM, mode='exact')


def test_a_reference_given_as_a_string_and_several_envs(store):
    store('envs/arm-ref/myenv.txt', _explicit('osx-arm64'))
    store('envs/arm-ref/other.yml', ENV_HISTORY)
    chosen = conda_replicate_source(['myenv', 'other'], facts=ARM, export_dir=str(store.root / 'envs'),
                                    references='arm-ref')
    assert (chosen['myenv']['kind'], chosen['other']['kind']) == ('explicit', 'environment')
