"""The @EXPLICIT lock reader and the decisions made from it without conda (module_utils/_explicit_lock)."""
from __future__ import annotations

import hashlib

import pytest

from ansible_collections.macfleet.conda.plugins.module_utils import _explicit_lock as lock_mod
from ansible_collections.macfleet.conda.plugins.module_utils._explicit_lock import (
    LockError, file_refusal, is_explicit, parse_lock, recorded_subdir, subdir_refusal)

CHANNEL = 'https://conda.anaconda.org/conda-forge'
MD5 = 'f0cac7d7f20ccaab4bba896c0ef697ad'
SHA = 'b5e984d2e331a3637ab64f8a9edf02e4701b69cb457758d0d4c22265f46b6fe3'
# as conda list --explicit --md5 writes one (recording 16)
LOCK = ['# This file may be used to create an environment using:',
        '# $ conda create --name <env> --file <this file>',
        '# platform: osx-arm64',
        '@EXPLICIT',
        '%s/osx-arm64/python-3.11.7-hdf0ec26_0_cpython.conda#%s' % (CHANNEL, MD5),
        '%s/noarch/toolz-0.12.0-pyhd8ed1ab_0.tar.bz2#sha256:%s' % (CHANNEL, SHA)]


def record(name, version, build, subdir='noarch', url=None, **extra):
    return dict(name=name, version=version, build=build, subdir=subdir, url=url, **extra)


def test_a_lock_is_told_by_its_marker_line_as_conda_tells_it():
    assert is_explicit('\n'.join(LOCK))
    assert is_explicit('  @EXPLICIT  \nhttps://x/noarch/a-1-0.conda\n')
    assert not is_explicit('name: x\ndependencies: ["@EXPLICIT"]\n')


def test_each_line_gives_the_exact_build_its_url_and_its_hash():
    lock = parse_lock(LOCK)
    python, toolz = lock.packages
    assert (python.name, python.version, python.build, python.subdir, python.md5) == (
        'python', '3.11.7', 'hdf0ec26_0_cpython', 'osx-arm64', MD5)
    assert (toolz.dist, toolz.sha256, toolz.channel) == ('toolz-0.12.0-pyhd8ed1ab_0', SHA, CHANNEL)
    assert lock.platform == lock.subdir == 'osx-arm64'
    assert toolz.line() == LOCK[-1]


def test_an_absolute_path_is_a_file_url_and_a_relative_one_is_refused():
    lock = parse_lock(['@EXPLICIT', '/srv/channel/noarch/toolz-0.12.0-pyhd8ed1ab_0.tar.bz2'])
    assert lock.packages[0].url == 'file:///srv/channel/noarch/toolz-0.12.0-pyhd8ed1ab_0.tar.bz2'
    with pytest.raises(LockError, match='relative path'):
        parse_lock(['@EXPLICIT', 'noarch/toolz-0.12.0-pyhd8ed1ab_0.tar.bz2'])


@pytest.mark.parametrize('lines, message', [
    (LOCK[:4], 'lists no package after @EXPLICIT'),
    (LOCK[:3] + LOCK[4:], 'comes before the @EXPLICIT line'),
    (['https://x/noarch/toolz-0.12.0-pyhd8ed1ab_0.tar.bz2'], 'comes before the @EXPLICIT line'),
    (LOCK[:5] + [LOCK[5][:70]], 'line 6 .* is not a package URL'),               # cut in the file name
    (LOCK[:5] + [LOCK[5][:-10]], 'line 6 .* is not a package URL'),              # cut in the hash
    (LOCK + ['%s/noarch/toolz.tar.bz2' % CHANNEL], 'does not end in <channel>/<subdir>'),
    (LOCK + ['%s/nosuchdir/zlib-1.3-h0_0.conda' % CHANNEL], 'does not end in <channel>/<subdir>'),
    (LOCK + ['%s/noarch/toolz-0.11.2-pyh_0.conda' % CHANNEL], 'lists toolz twice .*line 6.*line 7'),
    (LOCK + ['%s/osx-64/zlib-1.3-h0_0.conda' % CHANNEL],
     r'mixes platforms: zlib-1.3-h0_0 \(osx-64\), python-3.11.7-hdf0ec26_0_cpython \(osx-arm64\)'),
])
def test_bad_locks_are_refused_naming_the_line_or_package(lines, message):
    with pytest.raises(LockError, match=message):
        parse_lock(lines)


def test_credentials_in_a_bad_line_are_masked():
    with pytest.raises(LockError) as raised:
        parse_lock(['@EXPLICIT', 'https://user:s3cr3t@conda.example.com/t/tok123/ch/noarch/bad'])
    assert 's3cr3t' not in str(raised.value) and 'tok123' not in str(raised.value)


def test_a_lock_for_another_platform_is_refused_naming_its_packages():
    lock = parse_lock(LOCK)
    assert lock.platform_refusal('osx-arm64') is None
    assert 'the lock is for osx-arm64, not for osx-64' in lock.platform_refusal('osx-64')
    assert 'python-3.11.7-hdf0ec26_0_cpython is built for it' in lock.platform_refusal('osx-64')
    noarch_only = parse_lock(LOCK[2:4] + LOCK[5:])
    assert 'platform: osx-arm64' in noarch_only.platform_refusal('linux-64')
    assert parse_lock(LOCK[3:4] + LOCK[5:]).platform_refusal('linux-64') is None  # noarch fits everywhere


def test_the_plan_keeps_what_matches_replaces_what_differs_and_removes_what_is_not_listed():
    lock = parse_lock(LOCK)
    python_url = LOCK[4].split('#', maxsplit=1)[0]
    records = [record('python', '3.11.7', 'hdf0ec26_0_cpython', 'osx-arm64', python_url, md5=MD5),
               record('toolz', '0.11.2', 'pyhd8ed1ab_0', url='%s/noarch/toolz-0.11.2-pyhd8ed1ab_0.tar.bz2' % CHANNEL),
               record('zlib', '1.3', 'h0_0', 'osx-arm64')]
    install, remove = lock.plan(records)
    assert [package.name for package in install] == ['toolz'] and remove == ['zlib']
    predicted = lock.predicted(records)
    assert [(rec['name'], rec['version']) for rec in predicted] == [('python', '3.11.7'), ('toolz', '0.12.0')]
    assert predicted[0] is records[0]
    assert lock.plan(predicted) == ([], [])


def test_a_record_matches_by_url_without_credentials_or_by_build_and_hash():
    toolz = parse_lock(LOCK).packages[1]
    same_url = record('toolz', '0.12.0', 'pyhd8ed1ab_0', url=toolz.url.replace('https://', 'https://u:p@').replace(
        '/conda-forge/', '/t/tk-123/conda-forge/'))
    mirror = record('toolz', '0.12.0', 'pyhd8ed1ab_0', url='https://mirror.example/noarch/x.conda', sha256=SHA)
    assert toolz.matches(same_url) and toolz.matches(mirror)
    assert not toolz.matches(dict(mirror, sha256='0' * 64))          # a hash that disagrees never matches
    assert not toolz.matches(dict(mirror, sha256=None))              # another URL and no hash to vouch for it
    assert not toolz.matches(dict(same_url, sha256='1' * 64))


def test_a_local_package_is_checked_against_the_locks_hash(tmp_path):
    folder = tmp_path / 'noarch'
    folder.mkdir()
    (folder / 'toolz-0.12.0-pyhd8ed1ab_0.tar.bz2').write_bytes(b'package bytes')
    good = hashlib.md5(b'package bytes').hexdigest()
    url = 'file://%s/toolz-0.12.0-pyhd8ed1ab_0.tar.bz2' % folder
    assert file_refusal(parse_lock(['@EXPLICIT', '%s#%s' % (url, good)]).packages[0]) is None
    bad = file_refusal(parse_lock(['@EXPLICIT', '%s#%s' % (url, '0' * 32)]).packages[0])
    assert 'package toolz-0.12.0-pyhd8ed1ab_0' in bad and 'md5 %s, the lock says %s' % (good, '0' * 32) in bad
    gone = file_refusal(parse_lock(['@EXPLICIT', url.replace('noarch/', 'noarch/../gone/noarch/')]).packages[0])
    assert 'is not on this host' in gone
    assert file_refusal(parse_lock(LOCK).packages[0]) is None        # https: conda checks it when it downloads


@pytest.mark.parametrize('host, wanted, refused', [
    ('osx-arm64', 'osx-arm64', None),
    ('osx-arm64', 'osx-64', None),                                     # Rosetta 2
    ('osx-64', 'osx-arm64', 'x86_64 cannot run arm64'),
    ('linux-64', 'osx-64', 'cannot work on this linux-64 host'),
    ('osx-arm64', 'noarch', 'not a platform'),
    ('osx-arm64', 'osx-128', 'not a platform'),
    (None, 'osx-64', 'no subdir for'),
])
def test_which_subdirs_a_host_can_run(host, wanted, refused):
    why = subdir_refusal(host, wanted)
    assert (why is None) if refused is None else (refused in why)


def test_the_subdir_an_envs_condarc_records(tmp_path):
    assert recorded_subdir(str(tmp_path)) is None
    (tmp_path / '.condarc').write_text('# root .condarc\nchannels:\n  - defaults\nsubdir: osx-64\n')
    assert recorded_subdir(str(tmp_path)) == 'osx-64'
    (tmp_path / '.condarc').write_text("subdir: 'osx-arm64'  # Apple silicon\n")
    assert recorded_subdir(str(tmp_path)) == 'osx-arm64'
    (tmp_path / '.condarc').write_text('subdir: amiga\n')
    with pytest.raises(LockError, match='not a conda subdir'):
        recorded_subdir(str(tmp_path))


def test_host_rules_cover_every_subdir_the_reader_accepts():
    assert set(lock_mod.SUBDIRS) >= {'osx-64', 'osx-arm64', 'linux-64', 'noarch'}
