"""The SSH fleet's configs, plays and host variables, and the command line of the SSH part."""
from __future__ import annotations

import pathlib

from benchmarks import sshd
from benchmarks.__main__ import parse_args
from benchmarks.inventory import BenchHost
from benchmarks.ssh_fleet import SshConfig, SshOutcome, configs, new_hosts, role_play, stat_play, host_vars
from benchmarks.workload import env_specs

URL = 'file:///srv/conda-channel'


def test_every_env_count_is_run_at_every_host_count():
    assert configs([20, 1, 5], [16, 1, 4]) == [SshConfig(h, e) for h in (1, 4, 16) for e in (1, 5, 20)]
    assert SshConfig(16, 20).label == 'h16_e20'


def test_the_role_play_declares_the_envs_on_the_test_channel_only():
    [play] = role_play(env_specs(2), URL)
    assert play['roles'] == [{'role': 'macfleet.conda.miniconda'}]
    assert play['gather_facts'] is False and play['environment'] == '{{ bench_environment }}'
    envs = play['vars']['miniconda_environments']
    assert [env['name'] for env in envs] == ['bench00', 'bench01']
    assert envs[0]['channels'] == [URL] and envs[0]['override_channels'] is True
    assert envs[0]['packages'][0] == 'python=3.9'


def test_the_stat_play_is_one_stat_task():
    [play] = stat_play()
    assert [list(task)[1] for task in play['tasks']] == ['ansible.builtin.stat']


def test_each_host_has_its_own_root_home_and_call_log(tmp_path):
    hosts = new_hosts(tmp_path, 2)
    assert [host.name for host in hosts] == ['mac00', 'mac01']
    assert hosts[0].conda_exe == tmp_path / 'mac00' / 'miniconda3' / 'bin' / 'conda'
    assert hosts[1].environment['HOME'] == str(tmp_path / 'mac01' / 'home')
    assert (tmp_path / 'mac01' / 'home').is_dir()


def test_host_vars_reach_the_alias_over_ssh_and_point_the_role_at_its_root():
    server = sshd.Server(pathlib.Path('/tmp/x'), 40022, 'builder', pathlib.Path('/tmp/x/client_key'), None)
    host = BenchHost('mac03', pathlib.Path('/w/mac03/miniconda3/bin/conda'), pathlib.Path('/w/mac03/miniconda3/envs'),
                     {'HOME': '/w/mac03/home'})
    installer = {'version': '24.7.1-0', 'name': 'Miniconda3-24.7.1-0-Linux-x86_64.sh', 'sha256': 'ab' * 32,
                 'url': 'http://127.0.0.1:1'}
    variables = host_vars(server, host, installer, URL, python='/usr/bin/python3')
    assert variables['ansible_host'] == '127.0.0.1' and variables['ansible_control_path'].endswith('/mac03')
    assert variables['miniconda_prefix'] == '/w/mac03/miniconda3'
    assert variables['miniconda_owner'] == 'builder' and variables['miniconda_owner_home'] == '/w/mac03/home'
    assert variables['miniconda_sha256'] == {installer['name']: 'ab' * 32}
    assert variables['miniconda_group']
    assert variables['bench_environment'] == {'HOME': '/w/mac03/home'}


def test_an_outcome_counts_per_host_and_per_action():
    outcome = SshOutcome(0, 0, 0, {'mac00': {'stat': 2, 'conda_env': 5}})
    assert outcome.converged
    assert outcome.runs_per_host() == {'mac00': 7} and outcome.runs_per_host('conda_env') == {'mac00': 5}
    assert not SshOutcome(0, 1, 0).converged


def test_the_full_run_measures_1_5_20_envs_on_1_4_16_hosts_three_times():
    args = parse_args([])
    assert args.parts == ['local', 'ssh']
    assert (args.ssh_env_counts, args.ssh_host_counts, args.ssh_runs) == ([1, 5, 20], [1, 4, 16], 3)
    assert args.install_sshd is True


def test_quick_is_one_host_with_1_and_5_envs_once():
    args = parse_args(['--quick'])
    assert (args.ssh_env_counts, args.ssh_host_counts, args.ssh_runs, args.runs) == ([1, 5], [1], 1, 1)


def test_parts_can_be_chosen_and_are_checked(capsys):
    assert parse_args(['--parts', 'ssh', '--no-install-sshd']).parts == ['ssh']
    try:
        parse_args(['--parts', 'remote'])
    except SystemExit:
        pass
    else:
        raise AssertionError('an unknown part was accepted')
    assert 'parts are local,ssh' in capsys.readouterr().err
