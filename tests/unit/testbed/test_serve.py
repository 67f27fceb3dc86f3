"""The HTTP server of the test bed serves files intact, on 127.0.0.1 only."""
from __future__ import annotations

import hashlib
import os
import pathlib
import signal
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from conda_testbed.serve import serve_directory

TESTS_DIR = pathlib.Path(__file__).resolve().parents[2]


def download(url: str) -> bytes:
    """The body of a GET."""
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def test_served_file_downloads_with_the_same_sha256(tmp_path):
    payload = os.urandom(300_000)
    (tmp_path / 'Miniconda3-x.sh').write_bytes(payload)
    with serve_directory(tmp_path) as base_url:
        assert base_url.startswith('http://127.0.0.1:')
        body = download(f'{base_url}/Miniconda3-x.sh')
    assert hashlib.sha256(body).hexdigest() == hashlib.sha256(payload).hexdigest()


def test_missing_file_is_404_and_server_stops_with_the_block(tmp_path):
    with serve_directory(tmp_path) as base_url:
        with pytest.raises(urllib.error.HTTPError) as missing:
            download(f'{base_url}/nothing-here')
        assert missing.value.code == 404
    with pytest.raises(urllib.error.URLError):
        download(f'{base_url}/')


def test_command_serves_until_terminated_and_removes_its_pidfile(tmp_path):
    (tmp_path / 'site').mkdir()
    (tmp_path / 'site' / 'SHA256SUMS').write_text('abc  file\n')
    pidfile = tmp_path / 'serve.pid'
    env = dict(os.environ, PYTHONPATH=str(TESTS_DIR))
    server = subprocess.Popen(
        [sys.executable, '-m', 'conda_testbed.serve', str(tmp_path / 'site'),
         '--pidfile', str(pidfile)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        base_url = server.stdout.readline().strip()
        assert base_url.startswith('http://127.0.0.1:')
        assert int(pidfile.read_text()) == server.pid
        assert download(f'{base_url}/SHA256SUMS') == b'abc  file\n'
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    assert server.returncode == 0
    assert server.stderr.read() == ''
    assert not pidfile.exists()


def test_command_refuses_a_missing_directory(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(TESTS_DIR))
    result = subprocess.run([sys.executable, '-m', 'conda_testbed.serve', str(tmp_path / 'no')],
                            capture_output=True, text=True, env=env, timeout=30, check=False)
    assert result.returncode == 2
    assert 'not a directory' in result.stderr
