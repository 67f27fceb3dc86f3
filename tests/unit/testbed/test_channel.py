"""The test channel: genuine packages, valid repodata, solvable, faithful to the recordings."""
from __future__ import annotations

import hashlib
import json
import pathlib
import subprocess
import tarfile

import pytest

from conda_testbed.channel import build_channel, read_repodata
from conda_testbed.large_channel import build_large_channel
from conda_testbed.packages import SUBDIRS, channel_packages
from conda_testbed.session import RECORDINGS

CONTRACT = RECORDINGS


def recorded_records() -> dict:
    """Every full package record of the recordings (FETCH actions, prefix records) by file name."""
    found = {}

    def walk(node):
        if isinstance(node, dict):
            if 'fn' in node and 'depends' in node:
                found.setdefault(node['fn'], node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(CONTRACT.glob('*.json')) + sorted(CONTRACT.glob('conda-meta_*/*.json')):
        walk(json.loads(path.read_text()))
    return found


def test_every_subdir_has_repodata_listing_each_package_with_its_checksums(testbed_channel):
    repodata = read_repodata(testbed_channel)
    assert sorted(repodata) == sorted(SUBDIRS)
    for subdir, data in repodata.items():
        assert data['info']['subdir'] == subdir
        files = sorted(path.name for path in (testbed_channel / subdir).glob('*.tar.bz2'))
        assert sorted(data['packages']) == files
        for filename, record in data['packages'].items():
            blob = (testbed_channel / subdir / filename).read_bytes()
            assert record['md5'] == hashlib.md5(blob).hexdigest()
            assert record['sha256'] == hashlib.sha256(blob).hexdigest()
            assert record['size'] == len(blob)
            assert f"{record['name']}-{record['version']}-{record['build']}.tar.bz2" == filename


def test_channel_offers_the_briefed_packages_on_each_platform(testbed_channel):
    repodata = read_repodata(testbed_channel)
    for subdir in ('linux-64', 'osx-64', 'osx-arm64'):
        names = {(r['name'], r['version']) for r in repodata[subdir]['packages'].values()}
        assert {('python', '3.9.18'), ('python', '3.10.13'), ('python', '3.11.7'),
                ('numpy', '1.19.2'), ('numpy', '1.20.3'), ('numpy', '1.26.4'),
                ('pandas', '1.5.3'), ('pandas', '2.1.4')} <= names
    noarch = {(r['name'], r['version']) for r in repodata['noarch']['packages'].values()}
    assert {('pip', '23.3'), ('toolz', '0.11.2'), ('toolz', '0.12.0'), ('requests', '2.31.0'),
            ('urllib3', '2.1.0'), ('idna', '3.6'), ('certifi', '2023.11.17'),
            ('charset-normalizer', '3.3.2'), ('conda', '24.7.1')} <= noarch
    builds = {subdir: {r['build'] for r in repodata[subdir]['packages'].values()
                       if r['name'] == 'python'} for subdir in ('linux-64', 'osx-64', 'osx-arm64')}
    assert not builds['linux-64'] & builds['osx-64'] and not builds['osx-64'] & builds['osx-arm64']


def test_records_carry_the_recorded_names_builds_and_fields(testbed_channel):
    repodata = read_repodata(testbed_channel)
    recorded = recorded_records()
    assert len(recorded) >= 12
    for filename, record in recorded.items():
        ours = repodata[record['subdir']]['packages'].get(filename)
        assert ours is not None, f'{filename} missing from {record["subdir"]}'
        for key in ('name', 'version', 'build', 'build_number', 'depends', 'license', 'timestamp'):
            assert ours[key] == record[key], (filename, key)
        assert ours.get('constrains', []) == record['constrains']
        assert ours.get('noarch') == record.get('noarch')


def test_payload_files_match_the_recorded_prefix_records():
    recorded_records()  # skips without the recordings
    by_dist = {package.dist: package for package in channel_packages()}
    compared = 0
    for path in sorted(CONTRACT.glob('conda-meta_*/*.json')):
        record = json.loads(path.read_text())
        package = by_dist[record['fn'][:-len('.tar.bz2')]]
        assert [payload.path for payload in package.files] == record['files']
        ours = {payload.path: payload.text.encode() for payload in package.files}
        for entry in record['paths_data']['paths']:
            if entry['_path'].startswith('bin/python'):
                continue  # our interpreter stub is our own script
            data = ours[entry['_path']]
            assert (hashlib.sha256(data).hexdigest(), len(data)) == \
                (entry['sha256'], entry['size_in_bytes']), entry['_path']
            compared += 1
    assert compared >= 10


def test_package_tarball_has_index_paths_and_files_describing_its_payload(testbed_channel):
    path = testbed_channel / 'linux-64' / 'python-3.9.18-h2860985_0.tar.bz2'
    with tarfile.open(path, 'r:bz2') as archive:
        content = {member.name: archive.extractfile(member).read()
                   for member in archive.getmembers()}
        python_mode = archive.getmember('bin/python').mode
    index = json.loads(content['info/index.json'])
    paths = json.loads(content['info/paths.json'])
    listed = content['info/files'].decode().splitlines()
    payload = {entry['_path']: content[entry['_path']] for entry in paths['paths']}
    assert index['name'] == 'python' and index['version'] == '3.9.18'
    assert index['subdir'] == 'linux-64' and index['depends'] == ['pip']
    assert paths['paths_version'] == 1
    assert listed == [entry['_path'] for entry in paths['paths']]
    assert 'share/conda-stubs/python-3.9.18-h2860985_0.txt' in listed
    for entry in paths['paths']:
        assert hashlib.sha256(payload[entry['_path']]).hexdigest() == entry['sha256']
        assert len(payload[entry['_path']]) == entry['size_in_bytes']
    assert b'Python 3.9.18' in payload['bin/python'] and python_mode == 0o755


def test_python_stub_answers_version_like_cpython(testbed_channel, tmp_path):
    [path] = (testbed_channel / 'osx-arm64').glob('python-3.10.13-*.tar.bz2')
    with tarfile.open(path, 'r:bz2') as archive:
        script = archive.extractfile('bin/python').read()
    stub = tmp_path / 'python'
    stub.write_bytes(script)
    stub.chmod(0o755)
    version = subprocess.run([str(stub), '--version'], capture_output=True, text=True, check=False)
    assert version.stdout == 'Python 3.10.13\n'
    assert subprocess.run([str(stub), '-c', 'pass'], capture_output=True, check=False).returncode != 0


def test_build_is_byte_reproducible(tmp_path):
    """The recordings' sha256 and md5 fields only mean something if a rebuild gives the same bytes."""
    first = build_channel(tmp_path / 'one')
    second = build_channel(tmp_path / 'two')

    def digests(root: pathlib.Path) -> dict:
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.glob('*/*.tar.bz2'))}

    assert digests(first) == digests(second)
    assert len(digests(first)) == len(channel_packages())


@pytest.mark.parametrize('platform', ['linux-64', 'osx-arm64'])
def test_rattler_solves_python_39_with_numpy_1192(testbed_channel, rattler_solve, platform):
    solved = rattler_solve(testbed_channel, platform, 'python=3.9', 'numpy=1.19.2')
    names = {dist.rsplit('-', 2)[0]: dist for dist in solved}
    assert sorted(names) == ['numpy', 'pip', 'python']
    assert names['pip'] == 'pip-23.3-pyhdba3a45_0'
    assert names['python'].startswith('python-3.9.18-')
    assert names['numpy'].startswith('numpy-1.19.2-py39h')
    if platform == 'linux-64':
        assert names['python'] == 'python-3.9.18-h2860985_0'
        assert names['numpy'] == 'numpy-1.19.2-py39hf4c9891_0'


def test_rattler_finds_numpy_1192_with_python_311_unsatisfiable(testbed_channel, rattler_solve):
    error = rattler_solve(testbed_channel, 'linux-64', 'python=3.11', 'numpy=1.19.2',
                          expect_failure=True)
    assert 'numpy' in error


def test_rattler_solves_requests_and_pandas_with_their_dependencies(testbed_channel, rattler_solve):
    solved = rattler_solve(testbed_channel, 'osx-64', 'python=3.10', 'requests', 'pandas')
    names = sorted(dist.rsplit('-', 2)[0] for dist in solved)
    assert names == ['certifi', 'charset-normalizer', 'idna', 'numpy', 'pandas', 'pip', 'python',
                     'requests', 'urllib3']
    assert any(dist.startswith('pandas-2.1.4-py310h') for dist in solved)


def test_large_channel_has_20000_solvable_records(tmp_path, rattler_solve):
    """The benchmarks' figures on the large channel are only honest if conda can solve from it."""
    channel_dir = build_large_channel(tmp_path / 'large')
    records = read_repodata(channel_dir)['noarch']['packages']
    synthetic = [record for record in records.values() if record['name'].startswith('synth-')]
    assert len(synthetic) == 20000
    assert len({record['name'] for record in synthetic}) >= 1000
    solved = rattler_solve(channel_dir, 'linux-64', 'python=3.9', 'numpy', 'synth-01999')
    assert any(dist.startswith('synth-01999-') for dist in solved)
    assert len(solved) > 3
