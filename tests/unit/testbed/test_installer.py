"""The Miniconda-style installer fixture behaves like the real installer's batch mode."""
from __future__ import annotations

import hashlib
import os
import pathlib
import subprocess

import pytest

from conda_testbed.channel import channel_url, read_repodata
from conda_testbed.installer import build_installer
from conda_testbed.prefix_records import records


def run(installer: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    """Run an installer with sh, as the real ones are run."""
    return subprocess.run(['sh', str(installer), *args], capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL, check=False)


@pytest.fixture
def installer_path(installer) -> pathlib.Path:
    """The shared default installer (24.7.1-0, Linux x86_64, naming the test channel)."""
    return installer[0]


def test_batch_install_lays_out_a_conda_root(installer_path, testbed_channel, tmp_path):
    prefix = tmp_path / 'miniconda3'
    result = run(installer_path, '-b', '-p', str(prefix))
    assert result.returncode == 0, result.stderr
    assert f'PREFIX={prefix}' in result.stdout and 'installation finished.' in result.stdout
    for launcher in ('bin/conda', 'condabin/conda'):
        assert os.access(prefix / launcher, os.X_OK)
        assert 'conda_testbed.standin' in (prefix / launcher).read_text()
    assert (prefix / 'envs').is_dir() and (prefix / 'pkgs').is_dir()
    version = subprocess.run([str(prefix / 'bin/python'), '--version'], capture_output=True,
                             text=True, check=False)
    assert version.stdout == 'Python 3.11.7\n'
    url = channel_url(testbed_channel)
    assert (prefix / '.condarc').read_text().endswith(f'channels:\n  - {url}\n')
    conda_sh = (prefix / 'etc/profile.d/conda.sh').read_text()
    assert f"CONDA_EXE='{prefix}/bin/conda'" in conda_sh and 'conda() {' in conda_sh


def test_base_records_are_the_channels_packages_linked_into_the_prefix(
        installer_path, testbed_channel, tmp_path):
    prefix = tmp_path / 'miniconda3'
    assert run(installer_path, '-b', '-p', str(prefix)).returncode == 0
    base = records(prefix)
    assert sorted(record['name'] for record in base.values()) == ['conda', 'pip', 'python']
    repodata = read_repodata(testbed_channel)
    url = channel_url(testbed_channel)
    for dist, record in base.items():
        published = repodata[record['subdir']]['packages'][record['fn']]
        assert (record['md5'], record['sha256'], record['size']) == \
            (published['md5'], published['sha256'], published['size'])
        assert record['url'] == f"{url}/{record['subdir']}/{record['fn']}"
        assert record['channel'] == f"{url}/{record['subdir']}"
        assert record['extracted_package_dir'] == f'{prefix}/pkgs/{dist}'
        assert pathlib.Path(record['package_tarball_full_path']).is_file()
        for entry in record['paths_data']['paths']:
            linked = (prefix / entry['_path']).read_bytes()
            assert hashlib.sha256(linked).hexdigest() == entry['sha256'] == entry['sha256_in_prefix']
    assert base['conda-24.7.1-' + base_build(base, 'conda')]['version'] == '24.7.1'


def base_build(base: dict, name: str) -> str:
    """The build string of the one record named ``name``."""
    [build] = [record['build'] for record in base.values() if record['name'] == name]
    return build


def test_history_is_conda_style(installer_path, testbed_channel, tmp_path):
    prefix = tmp_path / 'miniconda3'
    assert run(installer_path, '-b', '-p', str(prefix)).returncode == 0
    lines = (prefix / 'conda-meta/history').read_text().splitlines()
    url = channel_url(testbed_channel)
    assert lines[0].startswith('==> ') and lines[0].endswith(' <==')
    assert lines[1] == f'# cmd: {installer_path} -b -p {prefix}'
    assert lines[2] == '# conda version: 24.7.1'
    assert lines[3].startswith(f'+{url}/linux-64::python-3.11.7-')
    assert lines[4] == f'+{url}/noarch::pip-23.3-pyhdba3a45_0'
    assert lines[5].startswith(f'+{url}/noarch::conda-24.7.1-')
    assert lines[6] == "# update specs: ['python=3.11.7', 'pip=23.3', 'conda=24.7.1']"
    assert len(lines) == 7


def test_existing_prefix_is_refused_without_update_or_force(installer_path, tmp_path):
    prefix = tmp_path / 'taken'
    prefix.mkdir()
    result = run(installer_path, '-b', '-p', str(prefix))
    assert result.returncode == 1
    assert result.stderr == (f"ERROR: File or directory already exists: '{prefix}'\n"
                             'If you want to update an existing installation, use the -u option.\n')
    assert list(prefix.iterdir()) == []


def test_force_installs_over_an_existing_folder(installer_path, tmp_path):
    prefix = tmp_path / 'taken'
    prefix.mkdir()
    result = run(installer_path, '-b', '-f', '-p', str(prefix))
    assert result.returncode == 0, result.stderr
    assert (prefix / 'bin/conda').exists()


def test_update_replaces_base_conda_and_keeps_envs_and_condarc(testbed_channel, tmp_path):
    old, _old_sha256 = build_installer(tmp_path / 'old', channel=testbed_channel)
    new, _new_sha256 = build_installer(tmp_path / 'new', version='24.11.3-0', channel=testbed_channel)
    prefix = tmp_path / 'miniconda3'
    assert run(old, '-b', '-p', str(prefix)).returncode == 0
    (prefix / 'envs/keep/conda-meta').mkdir(parents=True)
    (prefix / '.condarc').write_text('channels: [mine]\n')
    result = run(new, '-b', '-u', '-p', str(prefix))
    assert result.returncode == 0, result.stderr
    versions = {record['name']: record['version'] for record in records(prefix).values()}
    assert versions == {'python': '3.11.7', 'pip': '23.3', 'conda': '24.11.3'}
    stubs = sorted(path.name for path in (prefix / 'share/conda-stubs').iterdir())
    assert [stub for stub in stubs if stub.startswith('conda-')] == \
        [f"conda-24.11.3-{base_build(records(prefix), 'conda')}.txt"]
    assert (prefix / 'envs/keep/conda-meta').is_dir()
    assert (prefix / '.condarc').read_text() == 'channels: [mine]\n'
    update = (prefix / 'conda-meta/history').read_text().split('==> ')[2].splitlines()
    assert update[2] == '# conda version: 24.11.3'
    assert [line[0] + line.split('::')[1].split('-')[1] for line in update[3:5]] == \
        ['-24.7.1', '+24.11.3']


def test_help_prints_usage_and_exits_2(installer_path):
    result = run(installer_path, '-h')
    assert result.returncode == 2
    assert 'Installs Miniconda3 24.7.1-0' in result.stdout
    assert '-u           update an existing installation' in result.stdout


def test_without_batch_mode_an_unanswered_license_aborts(installer_path, tmp_path):
    result = run(installer_path, '-p', str(tmp_path / 'p'))
    assert result.returncode == 2
    assert "The license agreement wasn't approved" in result.stdout
    assert not (tmp_path / 'p').exists()


def test_returned_sha256_matches_the_file_and_the_checksum_files(testbed_channel, tmp_path):
    dist = tmp_path / 'dist'
    linux, linux_sha = build_installer(dist, channel=testbed_channel)
    mac, mac_sha = build_installer(dist, os_name='MacOSX', arch='arm64',
                                   channel=testbed_channel)
    assert linux.name == 'Miniconda3-24.7.1-0-Linux-x86_64.sh'
    assert mac.name == 'Miniconda3-24.7.1-0-MacOSX-arm64.sh'
    assert hashlib.sha256(linux.read_bytes()).hexdigest() == linux_sha
    assert hashlib.sha256(mac.read_bytes()).hexdigest() == mac_sha
    assert (dist / f'{mac.name}.sha256').read_text() == f'{mac_sha}  {mac.name}\n'
    assert (dist / 'SHA256SUMS').read_text() == \
        f'{linux_sha}  {linux.name}\n{mac_sha}  {mac.name}\n'
    assert build_installer(dist, channel=testbed_channel)[1] == linux_sha


def test_macos_installer_links_the_platforms_python(testbed_channel, tmp_path):
    installer_path, _sha256 = build_installer(tmp_path / 'dist', os_name='MacOSX', arch='x86_64',
                                              channel=testbed_channel)
    prefix = tmp_path / 'miniconda3'
    assert run(installer_path, '-b', '-p', str(prefix)).returncode == 0
    subdirs = {record['name']: record['subdir'] for record in records(prefix).values()}
    assert subdirs == {'python': 'osx-64', 'pip': 'noarch', 'conda': 'noarch'}


def test_broken_installer_leaves_a_prefix_without_conda(testbed_channel, tmp_path):
    installer_path, _sha256 = build_installer(tmp_path / 'dist', channel=testbed_channel, broken=True)
    prefix = tmp_path / 'miniconda3'
    result = run(installer_path, '-b', '-p', str(prefix))
    assert result.returncode != 0
    assert 'ERROR' in result.stderr
    assert prefix.is_dir() and (prefix / 'bin/python').exists()
    assert not (prefix / 'bin/conda').exists() and not (prefix / 'condabin/conda').exists()


def test_update_with_a_good_installer_repairs_a_broken_install(installer_path, testbed_channel,
                                                               tmp_path):
    broken, _sha256 = build_installer(tmp_path / 'dist', channel=testbed_channel, broken=True)
    prefix = tmp_path / 'miniconda3'
    assert run(broken, '-b', '-p', str(prefix)).returncode != 0
    assert run(installer_path, '-b', '-p', str(prefix)).returncode == 1
    result = run(installer_path, '-b', '-u', '-p', str(prefix))
    assert result.returncode == 0, result.stderr
    assert os.access(prefix / 'bin/conda', os.X_OK)
    assert len(records(prefix)) == 3
