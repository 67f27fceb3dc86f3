"""conda-lock files: read on the controller (plugin_utils/_conda_lock_file) and applied on the host
(module_utils/_conda_lock). The files are written by conda-lock 4.0.3's own models and writer, so what
is tested is what conda-lock produces."""
from __future__ import annotations

import pathlib

import pytest
import yaml

from conda_lock.lockfile import write_conda_lock_file
from conda_lock.lockfile.v2prelim.models import HashModel, LockedDependency, Lockfile, LockMeta

from ansible_collections.macfleet.conda.plugins.module_utils._conda_lock import LockedPip, read_option
from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import Distribution
from ansible_collections.macfleet.conda.plugins.module_utils._explicit_lock import LockError
from ansible_collections.macfleet.conda.plugins.plugin_utils._conda_lock_file import (
    LockFileError, is_conda_lock, module_option)

CF = 'https://conda.anaconda.org/conda-forge'
MD5 = 'a' * 32
SHA = 'b' * 64


def conda(name, version, build, platform, depends=None, subdir=None):
    return LockedDependency(
        name=name, version=version, manager='conda', platform=platform, dependencies=depends or {},
        url='%s/%s/%s-%s-%s.conda' % (CF, subdir or platform, name, version, build),
        hash=HashModel(md5=MD5, sha256=SHA), categories={'main'})


def pip(name, version, platform, url=None):
    return LockedDependency(
        name=name, version=version, manager='pip', platform=platform, dependencies={},
        url=url or 'https://files.pythonhosted.org/packages/%s-%s-py3-none-any.whl' % (name, version),
        hash=HashModel(sha256=SHA), categories={'main'})


def written(tmp_path, packages, platforms):
    """The conda-lock.yml conda-lock's writer makes of ``packages``, as text and as YAML data."""
    lockfile = Lockfile(package=packages, metadata=LockMeta(
        content_hash=dict((platform, 'c' * 64) for platform in platforms), channels=[{'url': 'conda-forge',
                                                                                      'used_env_vars': []}],
        platforms=list(platforms), sources=['environment.yml']))
    path = pathlib.Path(tmp_path) / 'conda-lock.yml'
    write_conda_lock_file(lockfile, path, metadata_choices=None)
    text = path.read_text()
    return text, yaml.safe_load(text)


def two_platforms(tmp_path):
    packages = [conda('python', '3.11.9', 'h0_0', platform, {'tzdata': '*', '__osx': '>=11'})
                for platform in ('osx-arm64', 'osx-64')]
    packages += [conda('tzdata', '2024a', 'h0_0', platform, subdir='noarch') for platform in ('osx-arm64', 'osx-64')]
    packages += [pip('requests', '2.31.0', 'osx-arm64')]
    return written(tmp_path, packages, ['osx-arm64', 'osx-64'])


def test_a_file_conda_lock_writes_is_told_apart_and_read_per_platform(tmp_path):
    _text, data = two_platforms(tmp_path)
    assert is_conda_lock(data) and not is_conda_lock({'name': 'x', 'dependencies': []})
    option = module_option(data, 'locks/conda-lock.yml')
    assert sorted(option['platforms']) == ['osx-64', 'osx-arm64']
    arm = option['platforms']['osx-arm64']
    assert [entry['name'] for entry in arm['conda']] == ['python', 'tzdata']
    assert arm['conda'][0] == {'name': 'python', 'url': CF + '/osx-arm64/python-3.11.9-h0_0.conda', 'md5': MD5,
                               'sha256': SHA}
    assert arm['pip'] == [{'name': 'requests', 'version': '2.31.0', 'sha256': SHA,
                           'url': 'https://files.pythonhosted.org/packages/requests-2.31.0-py3-none-any.whl'}]
    assert option['platforms']['osx-64']['pip'] == []

    locks = read_option(option)
    lock = locks['osx-arm64']
    # both hashes kept for matching the records; conda gets the sha256 form its explicit parser accepts
    assert [package.line() for package in lock.explicit.packages] == [
        CF + '/osx-arm64/python-3.11.9-h0_0.conda#sha256:' + SHA, CF + '/noarch/tzdata-2024a-h0_0.conda#sha256:' + SHA]
    assert lock.explicit.packages[0].md5 == MD5
    assert [entry.requirement() for entry in lock.pip] == [
        'requests @ https://files.pythonhosted.org/packages/requests-2.31.0-py3-none-any.whl#sha256=' + SHA]


def test_an_index_install_exported_without_url_is_pinned_by_version():
    entry = LockedPip('Macfleet_Demo.B', '2.0.0', 'unknown:macfleet-demo-b==2.0.0')
    assert entry.requirement() == 'macfleet-demo-b==2.0.0'
    assert entry.matches(Distribution('macfleet-demo-b', '2.0.0', [], False, None))
    assert not entry.matches(Distribution('macfleet-demo-b', '2.0.1', [], False, None))


def test_a_url_entry_matches_a_dist_from_that_url_or_one_that_recorded_none():
    url = 'https://files.example.com/requests-2.31.0-py3-none-any.whl'
    entry = LockedPip('requests', '2.31.0', url, SHA)
    assert entry.matches(Distribution('requests', '2.31.0', [], False, url))
    assert entry.matches(Distribution('requests', '2.31.0', [], False, None))
    assert not entry.matches(Distribution('requests', '2.31.0', [], False, 'https://elsewhere/requests.whl'))
    vcs = LockedPip('tool', '1.0', 'git+https://git.example.com/tool.git@abc123')
    assert vcs.requirement() == 'tool @ git+https://git.example.com/tool.git@abc123'
    assert vcs.matches(Distribution('tool', '1.0', [], False, 'https://git.example.com/tool.git'))


def test_the_pip_plan_installs_what_differs_and_removes_what_is_unlisted(tmp_path):
    _text, data = two_platforms(tmp_path)
    lock = read_option(module_option(data, 'f'))['osx-arm64']
    dists = [Distribution('requests', '2.30.0', [], False, None), Distribution('idna', '3.4', [], False, None),
             Distribution('pip', '24.0', [], True, None), Distribution('toolz', '0.12.0', [], True, None)]
    install, remove = lock.pip_plan(dists)
    assert [entry.name for entry in install] == ['requests'] and remove == ['idna']
    assert lock.pip_predicted(dists) == [('requests', '2.31.0')]


BAD = {
    'an unknown version': (lambda data: dict(data, version=2), 'is of version 2, which this module does not read'),
    'no version': (lambda data: dict((key, value) for key, value in data.items() if key != 'version'),
                   'has no version'),
    'an entry cut short': (lambda data: dict(data, package=data['package'][:-1] + [
        dict((key, value) for key, value in data['package'][-1].items() if key not in ('url', 'hash'))]),
        'has no url, hash'),
    'a package listed twice': (lambda data: dict(data, package=data['package'] + [data['package'][0]]),
                               'lists python twice for osx-64'),
    'a dependency it does not list': (lambda data: dict(data, package=[
        entry for entry in data['package'] if entry['name'] != 'tzdata']),
        'incomplete for osx-64: python depends on tzdata'),
    'a platform without packages': (lambda data: dict(data, package=[
        entry for entry in data['package'] if entry['platform'] != 'osx-64']), 'has no conda package for it'),
    'a platform metadata does not list': (lambda data: dict(data, metadata=dict(data['metadata'], platforms=[
        'osx-arm64'])), 'which metadata.platforms (osx-arm64) does not list'),
    'an environment variable in a url': (lambda data: dict(data, package=[
        dict(entry, url=entry['url'].replace(CF, 'https://user:${TOKEN}@conda.example.com')) for entry in
        data['package']]), 'environment variable'),
}


@pytest.mark.parametrize('case', sorted(BAD))
def test_a_bad_file_is_refused_on_the_controller_naming_it(tmp_path, case):
    edit, message = BAD[case]
    _text, data = two_platforms(tmp_path)
    with pytest.raises(LockFileError) as raised:
        module_option(edit(data), 'locks/conda-lock.yml')
    assert message in str(raised.value) and 'locks/conda-lock.yml' in str(raised.value)


def test_conda_packages_of_another_platform_under_a_platform_are_refused_on_the_host(tmp_path):
    _text, data = written(tmp_path, [conda('python', '3.11.9', 'h0_0', 'osx-arm64', subdir='osx-64')], ['osx-arm64'])
    with pytest.raises(LockError) as raised:
        read_option(module_option(data, 'f'))
    assert 'platform osx-arm64' in str(raised.value) and 'python-3.11.9-h0_0 is built for it' in str(raised.value)


def test_an_option_not_from_the_action_plugin_is_refused():
    with pytest.raises(LockError, match='has no packages for any platform'):
        read_option({'source': 'x', 'platforms': {}})
    with pytest.raises(LockError, match='md5 is not a hex digest'):
        read_option({'platforms': {'osx-64': {'conda': [{'name': 'a', 'url': CF + '/osx-64/a-1-h0_0.conda',
                                                         'md5': 'xyz'}]}}})
