from __future__ import annotations

import json
import pathlib
import subprocess
import sys

from benchmarks.inventory import BenchHost, host_name, write_inventory


def test_ansible_reads_every_host_as_local_with_its_own_conda(tmp_path):
    hosts = [BenchHost(host_name(index), tmp_path / host_name(index) / 'bin' / 'conda',
                       tmp_path / host_name(index) / 'envs', {'HOME': str(tmp_path / host_name(index))})
             for index in range(3)]
    path = write_inventory(hosts, tmp_path / 'inventory.yml')
    listing = subprocess.run([str(pathlib.Path(sys.executable).parent / 'ansible-inventory'), '-i', str(path),
                              '--list'], capture_output=True, text=True, check=True)
    hostvars = json.loads(listing.stdout)['_meta']['hostvars']
    assert sorted(hostvars) == ['host00', 'host01', 'host02']
    for host in hosts:
        found = hostvars[host.name]
        assert found['ansible_connection'] == 'local'
        assert found['bench_conda_exe'] == str(host.conda_exe)
        assert found['bench_envs_dir'] == str(host.envs_dir)
        assert found['bench_environment'] == host.environment
