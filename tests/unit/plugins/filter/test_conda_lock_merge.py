"""conda_lock_merge: the per-platform locks of an osx-arm64 and an osx-64 host merged into one conda-lock file,
parsed back with conda-lock's own loader."""
from __future__ import annotations

import hashlib

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.macfleet.conda.plugins.filter.conda_lock_merge import conda_lock_merge
from ansible_collections.macfleet.conda.plugins.module_utils._export_render import PipDist, conda_lock

FORGE = 'https://conda.anaconda.org/conda-forge'


def _record(name, version, subdir, build='h0_0', depends=(), channel=FORGE):
    fn = '%s-%s-%s.conda' % (name, version, build)
    return {'name': name, 'version': version, 'build': build, 'subdir': subdir, 'depends': list(depends),
            'channel': '%s/%s' % (channel, subdir), 'fn': fn, 'url': '%s/%s/%s' % (channel, subdir, fn),
            'md5': hashlib.md5(fn.encode()).hexdigest(), 'sha256': hashlib.sha256(fn.encode()).hexdigest()}


def _env(subdir):
    """The same env as an Apple silicon and an Intel host hold it: native python and numpy, noarch toolz."""
    return [_record('python', '3.11.7', subdir, 'h%s_0' % subdir[-2:]),
            _record('numpy', '1.26.4', subdir, 'py311_%s' % subdir[-2:], ['python >=3.11,<3.12.0a0']),
            _record('toolz', '0.12.0', 'noarch', 'pyhd8ed1ab_0', ['python >=3.5'])]


ARM = conda_lock(_env('osx-arm64'), 'osx-arm64', [PipDist('demo-a', '1.0', ['six'])])
INTEL = conda_lock(_env('osx-64'), 'osx-64')


def _parse(tmp_path, text):
    lockfile = pytest.importorskip('conda_lock.lockfile')
    path = tmp_path / 'conda-lock.yml'
    path.write_text(text)
    return lockfile.parse_conda_lock_file(path)


def test_two_platforms_merge_into_one_file_conda_lock_reads(tmp_path):
    text = conda_lock_merge({'mac-arm-01': ARM, 'mac-intel-01': INTEL})
    parsed = _parse(tmp_path, text)
    assert parsed.metadata.platforms == ['osx-64', 'osx-arm64']
    assert parsed.metadata.content_hash == dict(list(INTEL['metadata']['content_hash'].items())
                                                + list(ARM['metadata']['content_hash'].items()))
    assert [channel.url for channel in parsed.metadata.channels] == ['conda-forge']
    by_platform = {}
    for package in parsed.package:
        by_platform.setdefault(package.platform, set()).add((package.manager, package.name, package.url))
    assert by_platform['osx-arm64'] == set((entry['manager'], entry['name'], entry['url']) for entry in ARM['package'])
    assert by_platform['osx-64'] == set((entry['manager'], entry['name'], entry['url']) for entry in INTEL['package'])
    # the noarch package is an entry of each platform, as conda-lock writes it
    assert sorted(package.platform for package in parsed.package if package.name == 'toolz') == ['osx-64', 'osx-arm64']


def test_the_merge_is_stable_whatever_the_order():
    text = conda_lock_merge({'mac-arm-01': ARM, 'mac-intel-01': INTEL})
    assert conda_lock_merge({'b': INTEL, 'a': ARM}) == text == conda_lock_merge([INTEL, ARM])
    # a rerun keeping the stored file changes nothing
    assert conda_lock_merge({'mac-arm-01': ARM, 'mac-intel-01': INTEL}, keep=text) == text
    data = yaml.safe_load(text)
    keys = [(entry['manager'], entry['name'], entry['platform']) for entry in data['package']]
    assert keys == sorted(keys)
    assert conda_lock_merge([ARM, INTEL], output='data') == data


def test_registered_results_are_unwrapped_and_hosts_without_a_lock_left_out():
    results = {'mac-arm-01': {'changed': False, 'lock': ARM, 'content': '...'}, 'down': None, 'other': {}}
    assert conda_lock_merge(results) == conda_lock_merge([ARM])


def test_a_platform_exported_alone_keeps_the_other_from_the_stored_file():
    stored = conda_lock_merge([ARM, INTEL])
    newer_arm = conda_lock(_env('osx-arm64')[:2], 'osx-arm64')
    merged = yaml.safe_load(conda_lock_merge({'mac-arm-01': newer_arm}, keep=stored))
    assert merged['metadata']['platforms'] == ['osx-64', 'osx-arm64']
    assert [entry for entry in merged['package'] if entry['platform'] == 'osx-64'] == \
        sorted(INTEL['package'], key=lambda entry: (entry['manager'], entry['name']))
    assert sorted(entry['name'] for entry in merged['package'] if entry['platform'] == 'osx-arm64') == \
        ['numpy', 'python']
    assert merged['metadata']['content_hash'] == dict(INTEL['metadata']['content_hash'],
                                                      **newer_arm['metadata']['content_hash'])
    # the stored file as data works too, and an empty one (no file yet) is none
    assert conda_lock_merge([newer_arm], keep=yaml.safe_load(stored)) == conda_lock_merge([newer_arm], keep=stored)
    assert conda_lock_merge([ARM], keep='') == conda_lock_merge([ARM], keep=None) == conda_lock_merge([ARM])


def test_hosts_of_one_platform_must_agree():
    other_arm = conda_lock(_env('osx-arm64')[:2], 'osx-arm64')
    assert conda_lock_merge({'a': ARM, 'b': dict(ARM)}) == conda_lock_merge([ARM])
    with pytest.raises(AnsibleFilterError, match=r'mac-arm-01 and mac-arm-02 are both osx-arm64 hosts.*'
                                                 r'conda package toolz: 0.12.0 .*, and not there'):
        conda_lock_merge({'mac-arm-01': ARM, 'mac-arm-02': other_arm})


@pytest.mark.parametrize('locks, message', [
    ({}, 'no host has a lock'),
    ({'h': {'version': 2, 'metadata': {}, 'package': []}}, 'h is a conda-lock file of version 2'),
    ({'h': {'version': 1, 'package': []}}, 'h is no conda-lock file'),
    ({'h': {'version': 1, 'metadata': {}, 'package': [{'name': 'x'}]}}, 'without name, manager or platform'),
    ('text', 'expects the conda_export locks'),
])
def test_bad_input_is_refused_naming_it(locks, message):
    with pytest.raises(AnsibleFilterError, match=message):
        conda_lock_merge(locks)


def test_a_bad_stored_file_or_output_is_refused():
    with pytest.raises(AnsibleFilterError, match='not valid YAML'):
        conda_lock_merge([ARM], keep='version: [1')
    with pytest.raises(AnsibleFilterError, match='output must be one of text, data'):
        conda_lock_merge([ARM], output='html')


def test_credentials_are_masked_again():
    leaky = dict(ARM, package=[dict(ARM['package'][0], url='https://builder:hunter2@x.example/t/tk-9/a.conda')])
    text = conda_lock_merge([leaky])
    assert 'hunter2' not in text and 'tk-9' not in text and '********' in text
