"""The miniconda role's platform data, chosen by facts: one play, one faked host per OS/architecture."""
from __future__ import annotations

import sys

from conda_testbed.session import COLLECTIONS
from conda_testbed.playbook_runner import AnsibleRunner

# inventory host -> (ansible_facts.system, ansible_facts.architecture, expected installer or None)
PLATFORMS = {
    'mac_arm64': ('Darwin', 'arm64', 'Miniconda3-24.7.1-0-MacOSX-arm64.sh'),
    'mac_aarch64': ('Darwin', 'aarch64', 'Miniconda3-24.7.1-0-MacOSX-arm64.sh'),
    'mac_intel': ('Darwin', 'x86_64', 'Miniconda3-24.7.1-0-MacOSX-x86_64.sh'),
    'linux_x86_64': ('Linux', 'x86_64', 'Miniconda3-24.7.1-0-Linux-x86_64.sh'),
    'linux_aarch64': ('Linux', 'aarch64', 'Miniconda3-24.7.1-0-Linux-aarch64.sh'),
    'linux_arm64': ('Linux', 'arm64', 'Miniconda3-24.7.1-0-Linux-aarch64.sh'),
    'linux_ppc': ('Linux', 'ppc64le', None),
    'windows': ('Win32NT', 'x86_64', None),
}
PLAY = [{
    'hosts': 'all',
    'gather_facts': False,
    'tasks': [
        {'name': 'fake the platform', 'ansible.builtin.set_fact': {
            'system': '{{ fake_system }}', 'architecture': '{{ fake_arch }}', 'user_id': 'builder',
            'env': {}, 'cacheable': True}},
        {'name': 'platform data', 'ansible.builtin.include_role': {
            'name': 'macfleet.conda.miniconda', 'tasks_from': 'facts', 'public': True},
         'vars': {'miniconda_version': '24.7.1-0', 'miniconda_sha256': '0' * 64, 'miniconda_owner': 'builder',
                  'miniconda_group': 'builders'}},
        {'name': 'report', 'ansible.builtin.debug': {'msg': {
            'installer': '{{ __miniconda_installer_name }}', 'url': '{{ __miniconda_installer_url }}',
            'prefix': '{{ __miniconda_prefix }}', 'shells': '{{ __miniconda_shells }}'}}},
    ],
}]


def test_installer_prefix_and_shells_follow_the_facts(tmp_path):
    inventory = tmp_path / 'inventory.ini'
    inventory.write_text(''.join(
        '%s ansible_connection=local ansible_python_interpreter=%s fake_system=%s fake_arch=%s\n'
        % (host, sys.executable, system, arch) for host, (system, arch, _name) in PLATFORMS.items()))
    result = AnsibleRunner(COLLECTIONS, tmp_path).run_playbook(PLAY, inventory=str(inventory))
    reports = {res['_host']: res['msg'] for task, res in result.tasks if task == 'report'}
    failures = {res['_host']: res.get('msg', '') for task, res in result.tasks if res.get('failed')}

    for host, (system, _arch, installer) in PLATFORMS.items():
        if installer is None:
            assert host not in reports, host
            assert 'supports macOS (Darwin) and Linux' in failures[host] or 'No miniconda installer' in failures[host]
            continue
        assert reports[host]['installer'] == installer
        assert reports[host]['url'] == 'https://repo.anaconda.com/miniconda/' + installer
        assert reports[host]['prefix'] == '/opt/miniconda3'
        assert reports[host]['shells'] == (['zsh', 'bash'] if system == 'Darwin' else ['bash'])
    assert 'ppc64le' in failures['linux_ppc']
