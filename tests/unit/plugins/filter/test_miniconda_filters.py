"""The miniconda role's decisions (plugins/filter/miniconda.py): platform, account, installer, action, .condarc."""
from __future__ import annotations

import base64
import json
import pathlib

import pytest
import yaml
from ansible.errors import AnsibleFilterError

from ansible_collections.macfleet.conda.plugins.filter import miniconda as miniconda_filters

from ansible_collections.macfleet.conda.plugins.filter.miniconda import (
    FilterModule, miniconda_account, miniconda_condarc, miniconda_install_action, miniconda_installer,
    miniconda_platform)

ARM_MAC = {'system': 'Darwin', 'architecture': 'arm64', 'user_id': 'admin', 'env': {}}
INTEL_MAC = {'system': 'Darwin', 'architecture': 'x86_64', 'user_id': 'admin', 'env': {}}
LINUX = {'system': 'Linux', 'architecture': 'x86_64', 'user_id': 'builder', 'env': {}}


@pytest.mark.parametrize('facts, os_name, arch, group, shells, rc', [
    (ARM_MAC, 'MacOSX', 'arm64', 'staff', ['zsh', 'bash'], '.bash_profile'),
    (dict(ARM_MAC, architecture='aarch64'), 'MacOSX', 'arm64', 'staff', ['zsh', 'bash'], '.bash_profile'),
    (INTEL_MAC, 'MacOSX', 'x86_64', 'staff', ['zsh', 'bash'], '.bash_profile'),
    (LINUX, 'Linux', 'x86_64', '', ['bash'], '.bashrc'),
    (dict(LINUX, architecture='arm64'), 'Linux', 'aarch64', '', ['bash'], '.bashrc'),
], ids=['mac-arm64', 'mac-aarch64', 'mac-intel', 'linux-x86_64', 'linux-arm64'])
def test_platform_data_by_facts(facts, os_name, arch, group, shells, rc):
    data = miniconda_platform(facts)
    assert (data['os'], data['arch'], data['group'], data['shells']) == (os_name, arch, group, shells)
    assert data['shell_rc_files']['bash'] == rc
    assert (data['prefix'], data['conda']) == ('/opt/miniconda3', '/opt/miniconda3/bin/conda')
    assert data['refusal'] == data['prefix_refusal'] == ''


def test_platform_overrides_win():
    data = miniconda_platform(ARM_MAC, prefix='/Users/Shared/conda', group='admin', shells=['bash'])
    assert (data['prefix'], data['group'], data['shells']) == ('/Users/Shared/conda', 'admin', ['bash'])


@pytest.mark.parametrize('facts, fragment', [
    ({'system': 'Windows', 'architecture': 'AMD64'}, 'supports macOS (Darwin) and Linux, not Windows'),
    (dict(ARM_MAC, architecture='ppc64'), 'No miniforge installer for Darwin on ppc64; supported: arm64'),
])
def test_unsupported_platforms_are_refused(facts, fragment):
    assert fragment in miniconda_platform(facts, distribution='miniforge')['refusal']


@pytest.mark.parametrize('prefix', ['miniconda3', './conda', '/', '/usr/', '/usr/miniconda3', '/opt', '/Users',
                                    '/Users/builder', '/home', '/tmp'])
def test_a_relative_or_system_prefix_is_refused(prefix):
    refusal = miniconda_platform(LINUX, prefix=prefix)['prefix_refusal']
    assert refusal.startswith('miniconda_prefix %s must be an absolute path of a folder of its own' % prefix)


@pytest.mark.parametrize('prefix', ['/opt/miniconda3', '/usr/local/miniconda3', '/Users/builder/miniconda3'])
def test_a_dedicated_prefix_is_accepted(prefix):
    assert miniconda_platform(ARM_MAC, prefix=prefix)['prefix_refusal'] == ''


def test_account_defaults_to_the_connecting_user_without_become():
    assert miniconda_account(ARM_MAC) == {'owner': 'admin', 'become': False, 'home': '~admin', 'refusal': ''}


def test_account_under_sudo_is_the_sudo_user_and_keeps_escalating():
    facts = dict(ARM_MAC, user_id='root', env={'SUDO_USER': 'builder'})
    account = miniconda_account(facts)
    assert (account['owner'], account['become'], account['refusal']) == ('builder', True, '')


def test_root_as_owner_only_when_asked():
    root = dict(LINUX, user_id='root')
    assert 'would be owned by root' in miniconda_account(root)['refusal']
    assert miniconda_account(root, owner='root')['refusal'] == ''
    assert miniconda_account(root, owner='builder', home='/srv/builder') == {
        'owner': 'builder', 'become': True, 'home': '/srv/builder', 'refusal': ''}


def test_pinned_miniconda_installer_on_apple_silicon():
    name = 'Miniconda3-py311_24.7.1-0-MacOSX-arm64.sh'
    chosen = miniconda_installer(miniconda_platform(ARM_MAC), version='py311_24.7.1-0', sha256={name: 'ab' * 32})
    assert chosen == {'name': name, 'url': 'https://repo.anaconda.com/miniconda/' + name,
                      'checksum': 'sha256:' + 'ab' * 32, 'refusal': ''}


def test_latest_miniforge_is_verified_by_its_published_sha256():
    chosen = miniconda_installer(miniconda_platform(INTEL_MAC), distribution='miniforge')
    url = 'https://github.com/conda-forge/miniforge/releases/latest/download/Miniforge3-MacOSX-x86_64.sh'
    assert (chosen['url'], chosen['checksum'], chosen['refusal']) == (url, 'sha256:' + url + '.sha256', '')


def test_a_mirror_keeps_the_name_and_loses_its_credentials():
    chosen = miniconda_installer(miniconda_platform(LINUX), version='24.7.1-0', sha256='cd' * 32,
                                 mirror_url='https://ci:S3cret@mirror.example.com/miniconda///')
    assert chosen['url'] == 'https://mirror.example.com/miniconda/Miniconda3-24.7.1-0-Linux-x86_64.sh'
    assert 'S3cret' not in json.dumps(chosen)


def test_an_installer_url_names_its_own_file_and_loses_its_credentials():
    chosen = miniconda_installer(miniconda_platform(LINUX), installer_url='https://u:p4ss@x.example/i/Custom.sh',
                                 verify_checksum=False)
    assert (chosen['name'], chosen['url'], chosen['checksum'], chosen['refusal']) == (
        'Custom.sh', 'https://x.example/i/Custom.sh', '', '')


def test_an_unpinned_miniconda_is_refused_unless_verification_is_off():
    platform = miniconda_platform(ARM_MAC)
    refused = miniconda_installer(platform, version='24.7.1-0', sha256={'Other.sh': 'ef' * 32})
    assert refused['refusal'].startswith('No sha256 for Miniconda3-24.7.1-0-MacOSX-arm64.sh.')
    assert miniconda_installer(platform, version='24.7.1-0', verify_checksum='false')['refusal'] == ''


def test_an_unknown_distribution_is_an_error():
    with pytest.raises(AnsibleFilterError, match="Unknown miniconda_distribution 'anaconda'"):
        miniconda_installer(miniconda_platform(LINUX), distribution='anaconda')


def _record(content: dict) -> dict:
    return {'content': base64.b64encode(json.dumps(content).encode()).decode()}


WORKING = {'rc': 0, 'stdout': 'conda 24.7.1'}


@pytest.mark.parametrize('stat, version, record, action', [
    ({'stat': {'exists': False}}, {}, None, 'install'),
    ({'stat': {'exists': True}}, {'rc': 127, 'stdout': ''}, None, 'repair'),
    ({'stat': {'exists': True}}, {'rc': 0, 'stdout': 'not conda'}, None, 'repair'),
    ({'stat': {'exists': True}}, WORKING, _record({'installer': 'A.sh'}), 'none'),
    ({'stat': {'exists': True}}, WORKING, _record({'installer': 'Old.sh'}), 'update'),
    ({'stat': {'exists': True}}, WORKING, {}, 'update'),
], ids=['nothing-there', 'no-conda', 'not-conda', 'converged', 'other-installer', 'no-record'])
def test_install_action(stat, version, record, action):
    assert miniconda_install_action(stat, version, record, 'A.sh')['action'] == action


def test_install_action_carries_the_recorded_terms_of_service():
    record = _record({'installer': 'A.sh', 'tos_accepted': ['https://repo.anaconda.com/pkgs/main']})
    decided = miniconda_install_action({'stat': {'exists': True}}, WORKING, record, 'A.sh')
    assert decided == {'action': 'none', 'tos_accepted': ['https://repo.anaconda.com/pkgs/main']}


def test_condarc_holds_only_what_is_given():
    decided = miniconda_condarc('/opt/miniconda3', channels=['conda-forge'], channel_priority='strict',
                                extra={'report_errors': False})
    assert decided['content'] == {'channels': ['conda-forge'], 'channel_priority': 'strict',
                                  'auto_activate_base': False, 'auto_update_conda': False, 'ssl_verify': True,
                                  'report_errors': False}
    assert decided['secret'] is False


def test_condarc_points_ssl_verify_at_the_copied_ca_bundle():
    decided = miniconda_condarc('/opt/miniconda3', ca_bundle_src='files/corp-ca.pem', ssl_verify=False)
    assert decided['ca_bundle'] == '/opt/miniconda3/ssl/macfleet-ca-bundle.pem'
    assert decided['content']['ssl_verify'] == decided['ca_bundle']


@pytest.mark.parametrize('given', [
    {'channels': ['https://conda.example.com/t/abc123/main']},
    {'channels': ['https://ci:pw@conda.example.com/main']},
    {'proxy_servers': {'https': 'http://proxy.example.com:3128'}},
    {'extra': {'custom_channels': {'corp': 'https://u:p@corp.example.com'}}},
], ids=['token', 'userinfo', 'proxy', 'extra'])
def test_condarc_with_credentials_is_secret(given):
    assert miniconda_condarc('/opt/miniconda3', **given)['secret'] is True


def test_every_filter_is_registered_under_its_documented_name():
    names = sorted(FilterModule().filters())
    assert names == ['miniconda_account', 'miniconda_condarc', 'miniconda_decide', 'miniconda_declared',
                     'miniconda_exports', 'miniconda_host', 'miniconda_inspected', 'miniconda_install_action',
                     'miniconda_installer', 'miniconda_plan', 'miniconda_platform', 'miniconda_record_text',
                     'miniconda_settle', 'miniconda_shell_blocks']
    folder = pathlib.Path(miniconda_filters.__file__).parent
    for name in names:  # ansible-doc -t filter reads each one's documentation from <name>.yml
        assert yaml.safe_load((folder / (name + '.yml')).read_text())['DOCUMENTATION']['name'] == name


@pytest.mark.parametrize('given', ['/opt/miniconda3/', '/opt/miniconda3//', '/opt/./miniconda3'])
def test_a_prefix_is_the_path_conda_info_names(given):
    # conda_info reports root_prefix normalised: a prefix kept as given would never be found installed.
    platform = miniconda_platform(ARM_MAC, prefix=given)
    assert (platform['prefix'], platform['conda']) == ('/opt/miniconda3', '/opt/miniconda3/bin/conda')


@pytest.mark.parametrize('content', [b'', b'{"installer": "Miniconda3-', b'[]', b'\xff\xfe'],
                         ids=['empty', 'cut-short', 'not-a-mapping', 'not-utf8'])
def test_a_broken_record_is_no_record_and_the_install_is_updated(content):
    decision = miniconda_install_action({'stat': {'exists': True}}, {'rc': 0, 'stdout': 'conda 24.7.1'},
                                        {'content': base64.b64encode(content).decode()}, installer='Miniconda3-x.sh')
    assert decision == {'action': 'update', 'tos_accepted': []}
