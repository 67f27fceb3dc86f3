"""The private sshd's config, keys and client settings, without starting a server."""
from __future__ import annotations

import pathlib
import subprocess
import types

import pytest

from benchmarks import sshd

FOLDER = pathlib.Path('/tmp/mfb-ssh.test')


def settings(text):
    return dict(line.split(' ', 1) for line in text.splitlines())


def test_the_config_listens_on_loopback_only_with_keys_only_and_everything_in_its_folder():
    config = settings(sshd.sshd_config(FOLDER, 40022, 'builder'))
    assert config['Port'] == '40022'
    assert config['ListenAddress'] == '127.0.0.1'
    assert config['AllowUsers'] == 'builder'
    assert config['PasswordAuthentication'] == 'no' and config['KbdInteractiveAuthentication'] == 'no'
    assert config['PermitRootLogin'] == 'no'
    for key in ('HostKey', 'PidFile', 'AuthorizedKeysFile'):
        assert pathlib.Path(config[key]).parent == FOLDER, key
    assert not any(value.startswith('/etc/') for value in config.values())


def test_root_may_log_in_with_its_key_only():
    assert settings(sshd.sshd_config(FOLDER, 40022, 'root'))['PermitRootLogin'] == 'prohibit-password'


@pytest.mark.skipif(not any(pathlib.Path(path).exists() for path in sshd.SSHD_PATHS), reason='no sshd here')
def test_sshd_itself_accepts_the_config(tmp_path):
    subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', str(tmp_path / 'ssh_host_ed25519_key')],
                   check=True)
    (tmp_path / 'sshd_config').write_text(sshd.sshd_config(tmp_path, 40022, 'root'))
    sshd_path = next(path for path in sshd.SSHD_PATHS if pathlib.Path(path).exists())
    proc = subprocess.run([sshd_path, '-t', '-f', str(tmp_path / 'sshd_config')], capture_output=True, text=True,
                          check=False)
    # -t as non-root may complain only about the privilege separation folder
    assert proc.returncode == 0 or 'privilege separation' in proc.stderr, proc.stderr


def test_known_hosts_names_the_port_as_ssh_does():
    line = sshd.known_hosts_line(40022, 'ssh-ed25519 AAAAC3Nza macfleet-bench\n')
    assert line == '[127.0.0.1]:40022 ssh-ed25519 AAAAC3Nza\n'


def test_the_client_keeps_connections_warm_and_checks_the_host_key_against_the_folder():
    args = sshd.ssh_args(FOLDER)
    assert '-o ControlMaster=auto' in args and '-o ControlPersist=15m' in args
    assert '-o UserKnownHostsFile=%s/known_hosts' % FOLDER in args
    assert '-o StrictHostKeyChecking=yes' in args and '-o BatchMode=yes' in args


def server():
    return sshd.Server(FOLDER, 40022, 'builder', FOLDER / 'client_key', process=None)


def test_every_alias_is_127_0_0_1_with_pipelining_and_its_own_control_master():
    first, second = server().host_vars('mac00'), server().host_vars('mac01')
    assert first['ansible_host'] == second['ansible_host'] == '127.0.0.1'
    assert first['ansible_port'] == 40022 and first['ansible_user'] == 'builder'
    assert first['ansible_ssh_pipelining'] is True and first['ansible_connection'] == 'ssh'
    assert first['ansible_ssh_private_key_file'] == str(FOLDER / 'client_key')
    assert first['ansible_control_path'] != second['ansible_control_path']
    assert first['ansible_control_path'] == '%(directory)s/mac00'
    assert first['ansible_control_path_dir'] == str(FOLDER / 'cp')
    assert server().environment()['ANSIBLE_PIPELINING'] == 'True'


def test_a_present_sshd_is_used_as_is(tmp_path):
    binary = tmp_path / 'sshd'
    binary.write_text('#!/bin/sh\n')
    binary.chmod(0o755)
    calls = []
    assert sshd.find_sshd(run=lambda *a, **k: calls.append(a), paths=[str(binary)]) == (binary, '')
    assert calls == []


def test_a_missing_sshd_is_not_installed_when_installing_is_off(tmp_path):
    path, note = sshd.find_sshd(install=False, paths=[str(tmp_path / 'sshd')])
    assert path is None and 'installing is off' in note


def test_a_missing_sshd_is_installed_with_apt_get_as_root_and_said_so(tmp_path, monkeypatch):
    binary = tmp_path / 'sshd'
    monkeypatch.setattr(sshd.os, 'geteuid', lambda: 0)
    monkeypatch.setattr(sshd.shutil, 'which', lambda name: '/usr/bin/' + name)
    calls = []

    def fake_apt(argv, **_kwargs):
        calls.append(argv)
        binary.write_text('#!/bin/sh\n')
        binary.chmod(0o755)
        return types.SimpleNamespace(returncode=0, stdout='', stderr='')

    path, note = sshd.find_sshd(run=fake_apt, paths=[str(binary)])
    assert path == binary and note == 'installed openssh-server with apt-get'
    assert calls == [['apt-get', 'install', '-y', '-q', 'openssh-server']]


def test_without_root_a_missing_sshd_is_a_clear_skip(tmp_path, monkeypatch):
    monkeypatch.setattr(sshd.os, 'geteuid', lambda: 1000)
    path, note = sshd.find_sshd(run=lambda *a, **k: pytest.fail('no apt-get without root'),
                                paths=[str(tmp_path / 'sshd')])
    assert path is None and 'apt-get install openssh-server' in note


def test_a_failed_install_says_what_apt_get_said(tmp_path, monkeypatch):
    monkeypatch.setattr(sshd.os, 'geteuid', lambda: 0)
    monkeypatch.setattr(sshd.shutil, 'which', lambda name: '/usr/bin/' + name)
    failed = types.SimpleNamespace(returncode=100, stdout='', stderr='E: Unable to locate package openssh-server')
    path, note = sshd.find_sshd(run=lambda *a, **k: failed, paths=[str(tmp_path / 'sshd')])
    assert path is None and 'rc=100' in note and 'Unable to locate package' in note


def test_the_version_is_what_sshd_v_prints_first(tmp_path):
    fake = tmp_path / 'sshd'
    fake.write_text('#!/bin/sh\necho "OpenSSH_9.2, OpenSSL 3.0.19 27 Jan 2026" >&2\n')
    fake.chmod(0o755)
    assert sshd.version(fake) == 'OpenSSH_9.2'
