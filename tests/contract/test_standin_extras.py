"""Stand-in behaviour the recordings cannot show: ToS gate, call log, masking, env registry."""
from __future__ import annotations

import json

from conda_testbed.session import RECORDINGS


def test_tos_gate_then_accept(bed):
    url = 'https://repo.anaconda.com/pkgs/main'
    refused = bed.run(['create', '--json', '-y', '-n', 'x', 'python', '--override-channels', '-c', url])
    body = json.loads(refused.stdout)
    assert refused.returncode == 1
    assert body['exception_name'] == 'CondaToSNonInteractiveError'
    assert f'conda tos accept --override-channels --channel {url}' in body['message']
    accepted = bed.run(['tos', 'accept', '--override-channels', '-c', url])
    assert accepted.returncode == 0 and url in accepted.stdout
    after = json.loads(bed.run(['create', '--json', '-y', '-n', 'x', 'python', '--override-channels',
                                '-c', url]).stdout)
    assert after['exception_name'] == 'CondaHTTPError'   # offline (no host is reachable), but past the gate


def test_an_unreachable_channel_fails_as_recording_118_shows(bed):
    """conda cannot reach the channel's host: CondaHTTPError, HTTP 000, the subdir's repodata URL."""
    recorded = json.loads((RECORDINGS / '118_env_create_nodefaults_json.json').read_text())
    run = bed.run(['create', '--json', '-y', '-n', 'x', 'python', '--override-channels', '-c',
                   'https://conda.anaconda.org/nodefaults'])
    body = json.loads(run.stdout)
    assert run.returncode == 1
    assert sorted(body) == sorted(recorded)
    for key in ('exception_name', 'exception_type', 'reason', 'status_code', 'elapsed_time', 'json'):
        assert body[key] == recorded[key], key
    # the recording machine's subdir is linux-64; this host's may differ
    subdir = body['url'].split('/')[-2]
    assert body['url'] == recorded['url'].replace('linux-64', subdir)
    assert body['message'] == recorded['message'].replace('linux-64', subdir)


def test_call_log_counts_processes(bed):
    bed.run(['--version'])
    bed.run(['env', 'list', '--json'])
    bed.run(['create', '--json', '-y', '-n', 'e', 'python=3.9', '--override-channels', '-c',
             bed.channel_url])
    kinds = [line.split('\t')[0] for line in bed.call_log.read_text().splitlines()]
    assert kinds == ['read', 'read', 'change']


def test_credentials_never_printed(bed):
    secret = 'https://user:s3cret@repo.anaconda.com/t/tok123/pkgs/main'
    result = bed.run(['install', '--json', '-y', '-n', 'base', 'numpy', '--override-channels', '-c', secret])
    assert result.returncode == 1
    assert 's3cret' not in result.stdout + result.stderr
    assert 'tok123' not in result.stdout + result.stderr


def test_env_registry_follows_create_and_remove(bed):
    registry = bed.home / '.conda' / 'environments.txt'
    bed.run(['create', '--json', '-y', '-n', 'reg', 'python=3.10', '--override-channels', '-c',
             bed.channel_url])
    prefix = str(bed.root / 'envs' / 'reg')
    assert prefix in registry.read_text().split()
    bed.run(['env', 'remove', '-y', '-n', 'reg', '--json'])
    assert prefix not in registry.read_text().split()


def test_conda_envs_path_is_honoured(bed, tmp_path):
    other = tmp_path / 'other-envs'
    result = bed.run(['create', '--json', '-y', '-n', 'o', 'python=3.9', '--override-channels', '-c',
                      bed.channel_url], CONDA_ENVS_PATH=str(other))
    assert json.loads(result.stdout)['prefix'] == str(other / 'o')
    assert (other / 'o' / 'conda-meta' / 'history').is_file()
