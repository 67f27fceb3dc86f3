"""A private OpenSSH server on 127.0.0.1 for the SSH benchmarks, started and stopped by the benchmark.

Everything it uses lives in one temporary folder: its own host key, config, port, pid file, the client's
key and the one authorized key. The system's sshd, its config and ``~/.ssh`` are never touched: the
client is pointed at the folder's key and known_hosts, and the ControlMaster sockets Ansible opens are
closed before the server stops. Debian's ``openssh-server`` provides ``/usr/sbin/sshd``; ``find_sshd``
installs it with apt-get when it is missing and this runs as root, and otherwise says why not.
"""
from __future__ import annotations

import getpass
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from typing import Callable, List, Optional, Sequence, Tuple

SSHD_PATHS = ('/usr/sbin/sshd', '/usr/local/sbin/sshd')
APT_PACKAGE = 'openssh-server'


def sshd_config(folder: pathlib.Path, port: int, user: str) -> str:
    """The server's whole config: loopback only, key auth only, for ``user`` only, all paths in ``folder``.

    ``StrictModes no``: the folder sits under /tmp, whose world-writable parent sshd would otherwise
    refuse for the authorized keys. ``UsePAM no``: no PAM session per connection (a Mac's sshd has one,
    but it is the same for every variant measured). ``MaxSessions``/``MaxStartups``: Ansible multiplexes
    a host's tasks over one ControlMaster connection, and forks open several at once.
    """
    lines = [
        ('Port', str(port)),
        ('ListenAddress', '127.0.0.1'),
        ('HostKey', str(folder / 'ssh_host_ed25519_key')),
        ('PidFile', str(folder / 'sshd.pid')),
        ('AuthorizedKeysFile', str(folder / 'authorized_keys')),
        ('AllowUsers', user),
        ('PubkeyAuthentication', 'yes'),
        ('PasswordAuthentication', 'no'),
        ('KbdInteractiveAuthentication', 'no'),
        ('PermitRootLogin', 'prohibit-password' if user == 'root' else 'no'),
        ('StrictModes', 'no'),
        ('UsePAM', 'no'),
        ('UseDNS', 'no'),
        ('MaxSessions', '64'),
        ('MaxStartups', '64:30:128'),
        ('LogLevel', 'ERROR'),
        ('Subsystem', 'sftp internal-sftp'),
    ]
    return ''.join('%s %s\n' % pair for pair in lines)


def known_hosts_line(port: int, host_public_key: str) -> str:
    """The client's known_hosts entry for the server (``[127.0.0.1]:PORT`` as ssh writes a non-22 port)."""
    key_type, key = host_public_key.split()[:2]
    return '[127.0.0.1]:%d %s %s\n' % (port, key_type, key)


def ssh_args(folder: pathlib.Path) -> str:
    """``ANSIBLE_SSH_ARGS``: Ansible's defaults (-C, ControlMaster auto) with connections kept warm
    between runs (ControlPersist 15m), strict host key checking against the folder's known_hosts."""
    return ' '.join([
        '-C', '-o ControlMaster=auto', '-o ControlPersist=15m',
        '-o UserKnownHostsFile=%s' % (folder / 'known_hosts'), '-o StrictHostKeyChecking=yes',
        '-o IdentitiesOnly=yes', '-o PasswordAuthentication=no', '-o BatchMode=yes',
    ])


def find_sshd(install: bool = True, run: Callable = subprocess.run,
              paths: Sequence[str] = SSHD_PATHS) -> Tuple[Optional[pathlib.Path], str]:
    """``(path, note)``: the sshd binary, installing ``openssh-server`` with apt-get when missing (root only).

    No path means the SSH benchmarks cannot run; the note says why (and what was installed, if anything).
    """
    for candidate in paths:
        if os.access(candidate, os.X_OK):
            return pathlib.Path(candidate), ''
    if not install:
        return None, 'no sshd (%s) and installing is off' % ' or '.join(paths)
    if os.geteuid() != 0 or not shutil.which('apt-get'):
        return None, ('no sshd (%s): install Debian\'s %s (apt-get install %s) to run the SSH benchmarks'
                      % (' or '.join(paths), APT_PACKAGE, APT_PACKAGE))
    proc = run(['apt-get', 'install', '-y', '-q', APT_PACKAGE], capture_output=True, text=True, check=False,
               env=dict(os.environ, DEBIAN_FRONTEND='noninteractive'))
    if proc.returncode:
        # The package lists may be missing on a fresh machine.
        run(['apt-get', 'update', '-q'], capture_output=True, text=True, check=False)
        proc = run(['apt-get', 'install', '-y', '-q', APT_PACKAGE], capture_output=True, text=True, check=False,
                   env=dict(os.environ, DEBIAN_FRONTEND='noninteractive'))
    for candidate in paths:
        if os.access(candidate, os.X_OK):
            return pathlib.Path(candidate), 'installed %s with apt-get' % APT_PACKAGE
    said = (proc.stderr or proc.stdout).strip()[-300:]
    return None, 'apt-get install %s failed (rc=%s): %s' % (APT_PACKAGE, proc.returncode, said)


def version(sshd: pathlib.Path) -> str:
    """``OpenSSH_9.2`` (what ``sshd -V`` prints first), or ``unknown``."""
    proc = subprocess.run([str(sshd), '-V'], capture_output=True, text=True, check=False)
    words = (proc.stderr or proc.stdout).split()
    return words[0].rstrip(',') if words else 'unknown'


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """A running private sshd: where to connect and with what."""

    folder: pathlib.Path
    port: int
    user: str
    client_key: pathlib.Path
    process: subprocess.Popen

    @property
    def ssh_args(self) -> str:
        return ssh_args(self.folder)

    def control_dir(self) -> pathlib.Path:
        return self.folder / 'cp'

    def host_vars(self, alias: str) -> dict:
        """Inventory variables that make ``alias`` one more host at 127.0.0.1, with its own connection."""
        return {
            'ansible_connection': 'ssh',
            'ansible_host': '127.0.0.1',
            'ansible_port': self.port,
            'ansible_user': self.user,
            'ansible_ssh_private_key_file': str(self.client_key),
            'ansible_ssh_pipelining': True,
            # One ControlMaster per alias, as a fleet has one per Mac: Ansible's default path (%C)
            # hashes host, port and user, which every alias shares.
            'ansible_control_path_dir': str(self.control_dir()),
            'ansible_control_path': '%(directory)s/' + alias,
        }

    def environment(self) -> dict:
        return {'ANSIBLE_SSH_ARGS': self.ssh_args, 'ANSIBLE_PIPELINING': 'True',
                'ANSIBLE_HOST_KEY_CHECKING': 'True'}


def _keygen(path: pathlib.Path) -> str:
    subprocess.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'macfleet-bench', '-f', str(path)],
                   check=True, capture_output=True)
    return path.with_name(path.name + '.pub').read_text()


def _wait_listening(port: int, process: subprocess.Popen, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError('sshd exited (rc=%s): %s' % (process.returncode, process.stderr.read()))
        with socket.socket() as probe:
            if probe.connect_ex(('127.0.0.1', port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError('sshd did not listen on 127.0.0.1:%d within %.0f s' % (port, timeout))


def start(sshd: pathlib.Path, folder: Optional[pathlib.Path] = None, user: Optional[str] = None) -> Server:
    """Keys, config and a server in ``folder`` (a new short temp dir: socket paths are limited to 108 bytes)."""
    folder = folder or pathlib.Path(tempfile.mkdtemp(prefix='mfb-ssh.', dir='/tmp'))
    folder.chmod(0o700)
    user = user or getpass.getuser()
    host_public = _keygen(folder / 'ssh_host_ed25519_key')
    client_public = _keygen(folder / 'client_key')
    (folder / 'authorized_keys').write_text(client_public)
    (folder / 'authorized_keys').chmod(0o600)
    (folder / 'cp').mkdir(mode=0o700)
    port = free_port()
    (folder / 'sshd_config').write_text(sshd_config(folder, port, user))
    (folder / 'known_hosts').write_text(known_hosts_line(port, host_public))
    # Run as root, sshd wants its privilege separation folder (the package's runtime dir, made at boot).
    if os.geteuid() == 0:
        pathlib.Path('/run/sshd').mkdir(mode=0o755, exist_ok=True)
    subprocess.run([str(sshd), '-t', '-f', str(folder / 'sshd_config')], check=True, capture_output=True)
    process = subprocess.Popen([str(sshd), '-D', '-e', '-f', str(folder / 'sshd_config')],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _wait_listening(port, process)
    return Server(folder, port, user, folder / 'client_key', process)


def control_sockets(server: Server) -> List[pathlib.Path]:
    return sorted(path for path in server.control_dir().iterdir() if path.is_socket())


def close_masters(server: Server, sockets: Optional[Sequence[pathlib.Path]] = None) -> int:
    """``ssh -O exit`` every ControlMaster Ansible left; how many were closed."""
    closed = 0
    for path in sockets if sockets is not None else control_sockets(server):
        proc = subprocess.run(['ssh', '-o', 'ControlPath=%s' % path, '-O', 'exit', '-p', str(server.port),
                               '%s@127.0.0.1' % server.user], capture_output=True, check=False)
        closed += proc.returncode == 0
    return closed


def stop(server: Server) -> None:
    """Close the client connections, stop the server, remove its folder."""
    close_masters(server)
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    shutil.rmtree(server.folder, ignore_errors=True)
