"""Hand-picked cases for conda_spec, each checked against real conda 26.7 (classic parser)."""
from __future__ import annotations

import json

import pytest

from conda_testbed.session import RECORDINGS
from ansible_collections.macfleet.conda.plugins.module_utils._conda_spec import (
    MatchSpec, SpecError, VersionSpec, parse_version, spec_name)

CONTRACT = RECORDINGS
RECORDS_DIR = CONTRACT / 'conda-meta_myenv_after_installs'


def _records():
    return {json.loads(p.read_text())['name']: json.loads(p.read_text())
            for p in sorted(RECORDS_DIR.glob('*.json'))}


RECORDS = _records() if RECORDS_DIR.is_dir() else {}


def _record(name='numpy', version='1.19.2', build='py39hf4c9891_0', build_number=0,
            channel='https://conda.anaconda.org/conda-forge/osx-arm64', subdir='osx-arm64', **extra):
    rec = dict(name=name, version=version, build=build, build_number=build_number,
               channel=channel, subdir=subdir)
    rec.update(extra)
    return rec


# ---------------------------------------------------------------------------------------
# Version ordering
# ---------------------------------------------------------------------------------------

# Each list is strictly increasing, except '==' pairs; taken from conda's VersionOrder docs
# and checked against conda.models.version.VersionOrder.
ORDERED = [
    '0.4', '==0.4.0', '0.4.1.rc', '==0.4.1.RC', '0.4.1', '0.5a1', '0.5b3', '0.5C1', '0.5', '0.9.6',
    '0.960923', '1.0', '1.1dev1', '1.1_', '1.1a1', '1.1.0dev1', '==1.1.dev1', '1.1.a1', '1.1.0rc1',
    '1.1.0', '==1.1', '1.1.0post1', '==1.1.post1', '1.1post1', '1996.07.12', '1!0.4.1', '1!3.1.1.6',
    '2!0.4.1',
]


def test_version_order_follows_conda_documentation():
    previous = None
    for entry in ORDERED:
        equal = entry.startswith('==')
        current = parse_version(entry.lstrip('='))
        if previous is not None:
            if equal:
                assert current == previous and hash(current) == hash(previous), entry
            else:
                assert previous < current and not current < previous, entry
        previous = current


@pytest.mark.parametrize('case', [
    dict(lower='1.0dev1', higher='1.0a1', why='dev sorts below every other tag'),
    dict(lower='1.0a1', higher='1.0.dev1', why="'1.0.dev1' is '1.0.0dev1', past every '1.0' tag"),
    dict(lower='1.0a1', higher='1.0rc1', why='pre-release tags compare as strings'),
    dict(lower='1.0rc1', higher='1.0', why='strings sort below numbers'),
    dict(lower='1.0', higher='1.0.post1', why='post sorts above every number'),
    dict(lower='1.0+abc', higher='1.0+abd', why='local versions break ties'),
    dict(lower='1.0', higher='1.0+1', why='a local part only adds'),
    dict(lower='9.9', higher='1!0.1', why='the epoch dominates'),
    dict(lower='1.0.1a', higher='1.0.1', why='letters after a number are a tag, not a counter'),
    dict(lower='1.0.1_', higher='1.0.1a', why="openssl convention: '1.0.1_' sorts before '1.0.1a'"),
    dict(lower='1.9', higher='1.10', why='components compare numerically'),
], ids=lambda c: '%s<%s' % (c['lower'], c['higher']))
def test_version_pairs(case):
    assert parse_version(case['lower']) < parse_version(case['higher']), case['why']
    assert parse_version(case['higher']) > parse_version(case['lower'])


@pytest.mark.parametrize('left,right', [
    ('1.0', '1.0.0'), ('1.0', '1.0.0.0'), ('1.0-1', '1.0_1'), ('1.0-1', '1.0.1'), ('1.0A1', '1.0a1'),
    ('0!1.0', '1.0'), ('1.1.a1', '1.1.0a1'),
])
def test_version_equivalences(left, right):
    assert parse_version(left) == parse_version(right)
    assert hash(parse_version(left)) == hash(parse_version(right))


@pytest.mark.parametrize('text', ['', '  ', '1.0-1_1', '1..0', '1.0+', '+1.0', 'a!1.0', '1!2!3',
                                  '1+a+b', '1.0 beta', '1.0/2', '1.0=2'])
def test_invalid_versions_raise(text):
    with pytest.raises(SpecError):
        parse_version(text)


# ---------------------------------------------------------------------------------------
# Match specs against records
# ---------------------------------------------------------------------------------------

MATCH_CASES = [
    # the examples
    dict(spec='numpy=1.19.2', rec=_record(version='1.19.2'), want=True),
    dict(spec='numpy=1.19.2', rec=_record(version='1.19.20'), want=False),
    dict(spec='numpy=1.19.2', rec=_record(version='1.19.2.1'), want=True),
    dict(spec='numpy>=1.20,<2', rec=_record(version='1.26.4'), want=True),
    dict(spec='numpy>=1.20,<2', rec=_record(version='1.19.2'), want=False),
    dict(spec='numpy>=1.20,<2', rec=_record(version='2.0.0'), want=False),
    dict(spec='numpy>=1.20,<2', rec=_record(version='2.0.0rc1'), want=True),  # rc1 sorts below 2
    dict(spec='conda-forge::numpy', rec=_record(), want=True),
    dict(spec='conda-forge::numpy', rec=_record(channel='https://repo.anaconda.com/pkgs/main/osx-arm64'),
         want=False),
    dict(spec='numpy 1.19.* py39*', rec=_record(), want=True),
    dict(spec='numpy 1.19.* py39*', rec=_record(build='py38h1_0'), want=False),
    dict(spec='numpy 1.19.* py39*', rec=_record(version='1.20.0'), want=False),
    dict(spec='python=3.9', rec=_record('python', '3.9.18', 'h2860985_0'), want=True),
    dict(spec='python=3.9', rec=_record('python', '3.10.0', 'h2860985_0'), want=False),
    dict(spec='python=3.9', rec=_record('python', '3.90', 'h2860985_0'), want=False),
    dict(spec='python=3.9', rec=_record('python', '3.9', 'h2860985_0'), want=True),
    dict(spec='numpy==1.19', rec=_record(version='1.19.2'), want=False),
    dict(spec='numpy==1.19', rec=_record(version='1.19.0'), want=True),
    dict(spec='numpy 1.19', rec=_record(version='1.19.2'), want=False),
    dict(spec='numpy=1.19', rec=_record(version='1.19.2'), want=True),
    dict(spec='numpy=1.19=py39hf4c9891_0', rec=_record(version='1.19.2'), want=False),
    dict(spec='numpy=1.19.2=py39hf4c9891_0', rec=_record(), want=True),
    dict(spec='numpy==1.19.2=py39hf4c9891_1', rec=_record(), want=False),
    dict(spec='numpy==>1', rec=_record(version='1.19.2'), want=True),
    dict(spec='numpy==>1', rec=_record(version='1'), want=False),
    # pre-releases, post-releases, epochs, local versions
    dict(spec='numpy<1.0', rec=_record(version='1.0rc1'), want=True),
    dict(spec='numpy>=1.0', rec=_record(version='1.0.dev1'), want=False),
    dict(spec='numpy>1.0', rec=_record(version='1.0.post1'), want=True),
    dict(spec='numpy=1.0', rec=_record(version='1.0.post1'), want=True),
    dict(spec='numpy>=2', rec=_record(version='1!0.1'), want=True),
    dict(spec='numpy 1!1.0', rec=_record(version='1.0'), want=False),
    dict(spec='numpy 1.0', rec=_record(version='1.0+abc'), want=False),
    dict(spec='numpy 1.0+abc', rec=_record(version='1.0+ABC'), want=True),
    dict(spec='numpy>1.0', rec=_record(version='1.0+1'), want=True),
    dict(spec='numpy>1.0', rec=_record(version='1.0+abc'), want=False),  # a lettered local sorts lower
    dict(spec='numpy 1.0.*', rec=_record(version='1.0+abc'), want=True),
    # or, and, not, compatible release, wildcards, regex
    dict(spec='numpy 1.2|1.3', rec=_record(version='1.3'), want=True),
    dict(spec='numpy 1.2|1.3', rec=_record(version='1.3.1'), want=False),
    dict(spec='numpy >=1,<2|>=3', rec=_record(version='3.1'), want=True),
    dict(spec='numpy >=1,<2|>=3', rec=_record(version='2.5'), want=False),
    dict(spec='numpy !=1.19.2', rec=_record(), want=False),
    dict(spec='numpy !=1.19.*', rec=_record(), want=False),
    dict(spec='numpy !=1.19.*', rec=_record(version='1.20'), want=True),
    dict(spec='numpy ~=1.19.0', rec=_record(), want=True),
    dict(spec='numpy ~=1.19.0', rec=_record(version='1.20.0'), want=False),
    dict(spec='numpy ~=1', rec=_record(), want=None),  # conda itself raises while matching
    dict(spec='numpy *', rec=_record(), want=True),
    dict(spec='*', rec=_record(), want=True),
    dict(spec='num*', rec=_record(), want=True),
    dict(spec='numpy 1.*.2', rec=_record(), want=True),
    dict(spec='numpy ^1\\.19\\..*$', rec=_record(), want=True),
    dict(spec='numpy ^1\\.18\\..*$', rec=_record(), want=False),
    dict(spec='numpy >=1.19.*', rec=_record(version='1.19.0'), want=True),  # '.*' ignored
    # builds and build numbers
    dict(spec='numpy * *_0', rec=_record(), want=True),
    dict(spec='numpy[build=py39*]', rec=_record(), want=True),
    dict(spec="numpy[build='^py3(8|9)h.*$']", rec=_record(), want=True),
    dict(spec='numpy[build_number=0]', rec=_record(), want=True),
    dict(spec='numpy[build_number=1]', rec=_record(), want=False),
    dict(spec="numpy[build_number='>=1']", rec=_record(build_number=2), want=True),
    dict(spec="numpy[build_number='>=1']", rec=_record(), want=False),
    dict(spec='numpy[build_number=*]', rec=_record(build_number=7), want=True),
    # channels and subdirs
    dict(spec='conda-forge/osx-arm64::numpy', rec=_record(), want=True),
    dict(spec='conda-forge/linux-64::numpy', rec=_record(), want=False),
    dict(spec='*/osx-arm64::numpy', rec=_record(), want=True),
    dict(spec='numpy[subdir=osx-*]', rec=_record(), want=False),  # conda: subdir is never a glob
    dict(spec='https://conda.anaconda.org/conda-forge::numpy', rec=_record(), want=True),
    dict(spec='numpy[channel=conda-forge]', rec=_record(), want=True),
    dict(spec='bioconda::numpy', rec=_record(), want=False),
    dict(spec='defaults::numpy', rec=_record(channel='https://repo.anaconda.com/pkgs/main/osx-arm64'),
         want=True),
    dict(spec='pkgs/main::numpy', rec=_record(channel='pkgs/main'), want=True),
    dict(spec='defaults::numpy', rec=_record(), want=False),
    dict(spec='file:///srv/conda-channel::numpy', rec=_record(channel='file:///srv/conda-channel/linux-64'),
         want=True),
    dict(spec='conda-channel::numpy', rec=_record(channel='file:///srv/conda-channel/linux-64'), want=True),
    dict(spec='/srv/conda-channel::numpy', rec=_record(channel='file:///srv/conda-channel/linux-64'), want=True),
    dict(spec='/srv/other::numpy', rec=_record(channel='file:///srv/conda-channel/linux-64'), want=False),
    # undecidable without conda's channel configuration
    dict(spec='conda-forge::numpy', rec=_record(channel='https://artifactory.corp/api/conda/conda-forge/osx-arm64'),
         want=None),
    dict(spec='defaults::numpy', rec=_record(channel='https://mirror.corp/anaconda/osx-arm64'), want=None),
    dict(spec='conda-*::numpy', rec=_record(), want=None),
    dict(spec='conda-forge::numpy', rec=_record(channel=''), want=None),
    dict(spec='./channel::numpy', rec=_record(channel='file:///srv/channel/linux-64'), want=None),  # conda's cwd
    # a certain 'no' elsewhere beats an undecidable channel
    dict(spec='conda-*::numpy>=2', rec=_record(), want=False),
    # hashes and other keys
    dict(spec='numpy[md5=20da162431d9e11eb5c83979cfc4b41d]',
         rec=_record(md5='20da162431d9e11eb5c83979cfc4b41d'), want=True),
    dict(spec='numpy[md5=00000000000000000000000000000000]',
         rec=_record(md5='20da162431d9e11eb5c83979cfc4b41d'), want=False),
    dict(spec='numpy[sha256=abc]', rec=_record(), want=None),  # record without the field
    dict(spec='numpy[license=bsd*]', rec=_record(license='BSD-3-Clause'), want=True),
    dict(spec='numpy[track_features=mkl]', rec=_record(), want=None),
    dict(spec='numpy-1.19.2-py39hf4c9891_0.tar.bz2', rec=_record(), want=None),
    dict(spec='scipy', rec=_record(), want=False),
    # a record conda could not have written: conda would raise, so no verdict
    dict(spec='numpy>=1', rec=_record(version='1.0 beta'), want=None),
    dict(spec='numpy[build_number=0]', rec=_record(build_number='0'), want=None),
]


@pytest.mark.parametrize('case', MATCH_CASES, ids=lambda c: '%s~%s' % (c['spec'], c['rec']['version']))
def test_match(case):
    assert MatchSpec.parse(case['spec']).match(case['rec']) is case['want']


CONTRACT_CASES = [
    dict(spec='numpy=1.19.2', name='numpy', want=True),
    dict(spec='numpy 1.19.2 py39hf4c9891_0', name='numpy', want=True),
    dict(spec='numpy>=1.20', name='numpy', want=False),
    dict(spec='python=3.9', name='python', want=True),
    dict(spec='python>=3.10', name='python', want=False),
    dict(spec='channel::toolz', name='toolz', want=False),
    dict(spec='conda-channel::toolz', name='toolz', want=True),
    dict(spec='file:///srv/conda-channel::pip', name='pip', want=True),
    dict(spec='conda-channel/linux-64::pip 23.3', name='pip', want=False),  # pip is noarch
    dict(spec='conda-channel/noarch::pip 23.3', name='pip', want=True),
    dict(spec='pip[build_number=0,subdir=noarch]', name='pip', want=True),
    dict(spec='numpy[md5=20da162431d9e11eb5c83979cfc4b41d]', name='numpy', want=True),
    dict(spec='numpy', name='toolz', want=False),
]


@pytest.mark.skipif(not RECORDS, reason='conda-contract recordings not available')
@pytest.mark.parametrize('case', CONTRACT_CASES, ids=lambda c: '%s~%s' % (c['spec'], c['name']))
def test_match_recorded_conda_meta(case):
    assert MatchSpec.parse(case['spec']).match(RECORDS[case['name']]) is case['want']


@pytest.mark.skipif(not RECORDS, reason='conda-contract recordings not available')
def test_every_recorded_record_satisfies_its_requested_spec():
    for rec in RECORDS.values():
        for requested in rec.get('requested_specs') or []:
            assert MatchSpec.parse(requested).match(rec) is True, (requested, rec['name'])
        depends = [MatchSpec.parse(dep) for dep in rec.get('depends', [])]
        for dep in depends:
            if dep.name in RECORDS:
                assert dep.match(RECORDS[dep.name]) is True, (dep, rec['name'])


# ---------------------------------------------------------------------------------------
# Parsing: canonical form, properties, invalid specs
# ---------------------------------------------------------------------------------------

# canonical strings are what str(conda.models.match_spec.MatchSpec(spec)) prints
CANONICAL = [
    ('numpy=1.19.2', 'numpy=1.19.2'),
    ('NumPy', 'numpy'),
    ('numpy>=1.20,<2', "numpy[version='>=1.20,<2']"),
    ('numpy 1.19.* py39*', 'numpy=1.19[build=py39*]'),
    ('numpy=1.19=py39_0', 'numpy==1.19=py39_0'),
    ('numpy 1.2 0', 'numpy==1.2=0'),
    ('numpy==>1', "numpy[version='>1']"),
    ('numpy 1.2|1.3', "numpy[version='1.2|1.3']"),
    ('numpy !=1.2 py*', "numpy[version='!=1.2',build=py*]"),
    ('numpy ~=1.2', 'numpy~=1.2'),
    ('conda-forge/linux-64::numpy>=1.0', "conda-forge/linux-64::numpy[version='>=1.0']"),
    ('*/linux-64::foo>=1.0', "foo[subdir=linux-64,version='>=1.0']"),
    ('https://conda.anaconda.org/conda-forge::numpy', 'conda-forge::numpy'),
    ('file:///srv/conda-channel::numpy', 'file:///srv/conda-channel::numpy'),
    ('/srv/conda-channel::numpy', 'file:///srv/conda-channel::numpy'),
    ('pkgs/main::numpy', 'defaults::numpy'),
    ('numpy[version=1.2.*]', 'numpy=1.2'),
    ('numpy[version==1.2]', 'numpy=1.2'),
    ("numpy[version='1.2' build='0']", 'numpy==1.2=0'),
    ('numpy[sha256=abc,version=1.2]', 'numpy==1.2[sha256=abc]'),
    ('numpy[license=MIT]', 'numpy[license=mit]'),
    ('numpy[name=scipy]', 'numpy'),
    ('numpy=1.2=*', 'numpy==1.2[build=*]'),
    ('numpy # a comment', 'numpy'),
    ('numpy (optional)', 'numpy'),
    ('numpy=', 'numpy'),
    ('*', '*'),
]


@pytest.mark.parametrize('text,canonical', CANONICAL)
def test_str_is_condas_canonical_form(text, canonical):
    spec = MatchSpec.parse(text)
    assert str(spec) == canonical
    assert str(MatchSpec.parse(canonical)) == canonical  # canonical form is a fixed point
    assert spec.original == text


@pytest.mark.parametrize('text, name', [
    ('numpy', 'numpy'), ('NumPy>=1.2', 'numpy'), ('conda-forge::numpy=1.19', 'numpy'), ('num*', '*'),
    ('python >=3.9,<3.10.0a0', 'python'), ('libgcc-ng >=7.5.0', 'libgcc-ng'),
    # a depends entry conda cannot parse still names its package by its first word
    ('numpy ==', 'numpy'), ('', None),
])
def test_spec_name(text, name):
    assert spec_name(text) == name


def test_namespace_is_parsed_and_ignored_like_conda():
    assert MatchSpec.parse('conda-forge:ns:numpy').namespace == 'ns'
    assert MatchSpec.parse('conda-forge:ns:numpy').match(_record()) is True
    assert MatchSpec.parse('conda-forge::numpy').namespace is None


def test_fields_are_exposed():
    spec = MatchSpec.parse("conda-forge/osx-arm64::NumPy>=1.2,<2[build=py39*,build_number='>=1']")
    assert (spec.name, str(spec.version), spec.build) == ('numpy', '>=1.2,<2', 'py39*')
    assert (spec.channel, spec.subdir, str(spec.build_number)) == ('conda-forge', 'osx-arm64', '>=1')
    assert isinstance(spec.version, VersionSpec)
    assert MatchSpec.parse('numpy').version is None


@pytest.mark.parametrize('text', [
    'numpy>>1',              # recorded: Invalid version '>>1': invalid operator (47, 48)
    'numpy=1.19.2=foo=bar',  # recorded: Invalid version '1.19.2=foo' (50)
    'numpy[version=',        # recorded: package name contains invalid characters ([) (51)
    '', '   ', 'num;py', 'numpy;rm -rf /', 'num$py', 'a__b', '>=1.0', 'numpy::',
    'numpy==', 'numpy>=', 'numpy= ', 'numpy |1', 'numpy 1|', 'numpy 1.2.3.', 'numpy ~=1.2.*',
    'numpy[foo=bar]', 'numpy[build_string=x]', 'numpy[version=]', 'numpy[version=1.2][build=0]',
    'numpy >=1,(<2|>3)', 'numpy[build=^py3[89].*$]', 'numpy[build_number=>>1]', 'numpy 1.0+a+b', 'numpy ^1.0',
])
def test_invalid_specs_raise_spec_error_naming_the_spec(text):
    with pytest.raises(SpecError) as info:
        MatchSpec.parse(text)
    assert repr(text) in str(info.value)
    assert isinstance(info.value, ValueError)


def test_non_string_spec_is_rejected():
    with pytest.raises(SpecError):
        MatchSpec.parse(None)
