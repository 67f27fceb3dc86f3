"""conda_package decisions against a fake conda answering with real conda's recordings.

The env ``myenv`` holds the recorded ``conda-meta_myenv_after_installs``: python 3.9.18, pip 23.3,
numpy 1.19.2 and toolz 0.11.2.
"""
from __future__ import annotations

import json

import pytest

from ansible_collections.macfleet.conda.plugins.modules import conda_package

URL_WITH_SECRET = 'https://builder:s3cr3t@conda.example.com/private'
TOKEN_URL = 'https://conda.example.com/t/tk-123456/private'

# (id, module args, [(words the conda call must contain, recording answering it)], expected)
CASES = [
    ('pinned-installed-is-noop', {'name': ['numpy=1.19.2']}, [], {'changed': False}),
    ('bare-installed-is-noop-not-upgrade', {'name': ['numpy']}, [], {'changed': False}),
    ('range-installed-is-noop', {'name': ['numpy>=1.19,<2', 'toolz 0.11.*', 'python']}, [], {'changed': False}),
    ('missing-spec-installs-once',
     {'name': ['numpy>=1.20', 'pip']},
     [(['install', '--json', '-y', '-p', 'numpy>=1.20'], '09_dryrun_numpy_bare')],
     {'changed': True, 'linked': ['numpy==1.26.4'], 'unlinked': ['numpy==1.19.2']}),
    ('new-package-installs',
     {'name': ['toolz', 'requests'], 'channels': ['file:///srv/conda-channel'], 'override_channels': True},
     [(['install', 'requests', '--override-channels', '-c', 'file:///srv/conda-channel'], '11_dryrun_toolz_new')],
     {'changed': True, 'linked': ['toolz==0.12.0'], 'unlinked': []}),
    ('undecidable-spec-asks-a-dry-run-first',
     {'name': ['numpy[license_family=BSD]']},
     [(['install', '--dry-run', 'numpy[license_family=BSD]'], '08_dryrun_numpy_pinned_satisfied')],
     {'changed': False}),
    ('latest-upgrades', {'name': ['numpy'], 'state': 'latest'},
     [(['install', '-y', 'numpy'], '09_dryrun_numpy_bare')],
     {'changed': True, 'linked': ['numpy==1.26.4'], 'unlinked': ['numpy==1.19.2']}),
    ('latest-when-newest-is-ok', {'name': ['numpy'], 'state': 'latest'},
     [(['install', '-y', 'numpy'], '06_install_numpy_again_json')], {'changed': False}),
    ('absent-removes', {'name': ['numpy'], 'state': 'absent'},
     [(['remove', '-y', '--json', 'numpy'], '31_remove_numpy')],
     {'changed': True, 'linked': [], 'unlinked': ['numpy==1.26.4']}),
    ('absent-not-installed-is-noop', {'name': ['pandas', 'numpy>=2'], 'state': 'absent'}, [], {'changed': False}),
    ('update-all', {'update_all': True},
     [(['update', '--all', '-y', '--json'], '28_update_all')],
     {'changed': True, 'linked': ['numpy==1.26.4', 'toolz==0.12.0'], 'unlinked': ['numpy==1.19.2', 'toolz==0.11.2']}),
    ('update-all-again', {'update_all': True}, [(['update', '--all'], '29_update_all_again')], {'changed': False}),
]


def _names(entries):
    return sorted('%s==%s' % (entry['name'], entry['version']) for entry in entries)


@pytest.mark.parametrize('args, script, expected', [case[1:] for case in CASES], ids=[case[0] for case in CASES])
@pytest.mark.parametrize('check', [False, True], ids=['run', 'check'])
def test_decision(fake_conda, run_module, args, script, expected, check):
    prefix = fake_conda.env('myenv')
    before = sorted(p.name for p in (prefix / 'conda-meta').iterdir())
    for words, answer in script:
        if check:  # check mode asks the same question as a dry run, never a transaction
            words = [word for word in words if word != '-y'] + ['--dry-run']
        fake_conda.expect(words, answer)
    result = run_module(conda_package, dict(args, environment='myenv'), check=check, diff=True)
    assert not result.get('failed'), result
    assert result['changed'] is expected['changed']
    assert result['prefix'] == str(prefix)
    if 'linked' in expected:
        assert _names(result['actions']['linked']) == expected['linked']
        assert _names(result['actions']['unlinked']) == expected['unlinked']
    assert all('-y' not in call and '--dry-run' in call for call in fake_conda.calls) if check else True
    if check:
        assert sorted(p.name for p in (prefix / 'conda-meta').iterdir()) == before


def test_check_mode_diff_predicts_the_after_state(fake_conda, run_module):
    fake_conda.env('myenv')
    fake_conda.expect(['install', '--dry-run', 'numpy>=1.20'], '09_dryrun_numpy_bare')
    result = run_module(conda_package, {'name': ['numpy>=1.20'], 'environment': 'myenv'}, check=True, diff=True)
    assert 'numpy==1.19.2=py39hf4c9891_0\n' in result['diff']['before']
    assert 'numpy==1.26.4=py39h206e18e_0\n' in result['diff']['after']
    assert 'numpy==1.19.2' not in result['diff']['after']
    assert 'python==3.9.18=h2860985_0\n' in result['diff']['after']


def test_root_env_when_no_env_given(fake_conda, run_module):
    (fake_conda.root / 'conda-meta' / 'conda-26.7.2-py311_0.json').write_text(json.dumps(
        {'name': 'conda', 'version': '26.7.2', 'build': 'py311_0', 'depends': []}))
    result = run_module(conda_package, {'name': ['conda>=26']}, check=False)
    assert not result.get('failed'), result
    assert result['changed'] is False
    assert result['prefix'] == str(fake_conda.root)
    assert fake_conda.calls == []


ERRORS = [
    ('invalid-spec-before-conda', {'name': ['numpy>>1']}, [], ['numpy>>1', 'conda was not run']),
    ('missing-env', {'name': ['numpy'], 'environment': 'nosuchenv'}, [], ['nosuchenv', 'does not exist']),
    ('bad-env-name', {'name': ['numpy'], 'environment': 'my env'}, [], ['my env', 'Invalid env name']),
    ('unknown-package', {'name': ['nosuchpkg']}, [(['install'], '52_err_nonexistent_pkg_json')],
     ['not available', 'nosuchpkg', 'file:///srv/conda-channel']),
    ('unknown-version', {'name': ['numpy=9.9']}, [(['install'], '54_err_nonexistent_version_json')],
     ['numpy=9.9']),
    ('unsatisfiable', {'name': ['python=3.11']}, [(['install'], '55_err_unsatisfiable_json')],
     ['UnsatisfiableError', 'numpy=1.19.2']),
    ('unreachable-channel', {'name': ['pandas'], 'channels': ['file:///srv/no-such-channel']},
     [(['install'], '63_err_invalid_channel_json')], ['file:///srv/no-such-channel', 'unreachable']),
    ('no-json-traceback', {'name': ['pandas']}, [(['install'], '47_err_bad_spec_gt_gt_json')],
     ['InvalidMatchSpec', "'numpy>>1'", "Invalid version '>>1': invalid operator"]),
    ('override-without-channel', {'name': ['pandas'], 'override_channels': True},
     [(['install'], '64_err_override_without_channel_json')], ['ArgumentError', '--override-channels']),
]


@pytest.mark.parametrize('args, script, fragments', [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS])
def test_errors_are_one_paragraph_and_change_nothing(fake_conda, run_module, args, script, fragments):
    prefix = fake_conda.env('myenv')
    before = sorted(p.name for p in (prefix / 'conda-meta').iterdir())
    for words, answer in script:
        fake_conda.expect(words, answer)
    result = run_module(conda_package, dict({'environment': 'myenv'}, **args))
    assert result['failed'] is True
    assert '\n' not in result['msg'] and 'Traceback' not in result['msg']
    for fragment in fragments:
        assert fragment in result['msg']
    assert sorted(p.name for p in (prefix / 'conda-meta').iterdir()) == before
    assert len(fake_conda.calls) == len(script)


def test_terms_of_service_refusal_says_how_to_accept(fake_conda, run_module):
    fake_conda.env('myenv')
    refusal = {
        'exception_name': 'CondaToSNonInteractiveError',
        'error': 'CondaToSNonInteractiveError: Terms of Service have not been accepted',
        'message': 'Terms of Service have not been accepted for the following channels. Please accept or '
                   'remove them before proceeding:\n    - https://repo.anaconda.com/pkgs/main\n',
    }
    fake_conda.expect(['install'], (1, json.dumps(refusal), ''))
    result = run_module(conda_package, {'name': ['pandas'], 'environment': 'myenv'})
    assert result['failed'] is True
    assert 'conda tos accept --override-channels -c https://repo.anaconda.com/pkgs/main' in result['msg']
    assert 'conda-forge' in result['msg'] and 'Miniforge' in result['msg']


@pytest.mark.parametrize('channel, secret', [(URL_WITH_SECRET, 's3cr3t'), (TOKEN_URL, 'tk-123456')])
def test_channel_credentials_never_leave_the_module(fake_conda, run_module, recorded, channel, secret):
    fake_conda.env('myenv')
    rc, stdout, stderr = recorded('63_err_invalid_channel_json')
    fake_conda.expect(['install', channel], (rc, stdout.replace('file:///srv/no-such-channel', channel), stderr))
    result = run_module(conda_package, {'name': ['pandas'], 'environment': 'myenv', 'channels': [channel]})
    assert result['failed'] is True
    assert secret not in json.dumps(result)
    assert 'conda.example.com' in result['msg']


def test_linked_channel_credentials_are_masked(fake_conda, run_module, recorded):
    fake_conda.env('myenv')
    rc, stdout, stderr = recorded('11_dryrun_toolz_new')
    fake_conda.expect(['install'], (rc, stdout.replace('file:///srv/conda-channel', URL_WITH_SECRET), stderr))
    result = run_module(conda_package, {'name': ['requests'], 'environment': 'myenv', 'channels': [URL_WITH_SECRET]},
                        diff=True)
    assert result['changed'] is True
    assert 's3cr3t' not in json.dumps(result)
    assert result['actions']['linked'][0]['channel'] == 'https://********@conda.example.com/private'
