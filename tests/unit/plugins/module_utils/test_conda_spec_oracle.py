"""conda_spec against py-rattler as an oracle, on generated versions and specs.

Where rattler and real conda disagree, conda wins: each known disagreement is excluded below with
its reason (each was checked against conda 26.7's ``conda.models.version``/``match_spec``), and the
conda behaviour itself is pinned in test_conda_spec.py.
"""
from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ansible_collections.macfleet.conda.plugins.module_utils._conda_spec import (
    MatchSpec, SpecError, VersionSpec, parse_version)

rattler = pytest.importorskip('rattler')

FAST = settings(derandomize=True, max_examples=200, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

# --- known disagreements (conda wins) -------------------------------------------------------
# conda accepts '_' as a whole component ('1!_', '_+1') and rattler does not; rattler accepts
# a local part ending in '_' ('1+0_'), which conda splits into an empty component and rejects.
UNDERSCORE_AT_EDGE = re.compile(r'(?:^|[^0-9a-z])_|_(?:$|[^0-9a-z])', re.IGNORECASE)
# conda ignores '.*' after '>', '>=', '<', '<=', '==' (and rejects it after '~='); rattler reads
# '>1.*' as a glob bound. Without the '.', conda keeps '*' as a literal version character.
RELATION_WITH_GLOB = re.compile(r'(==|<=|>=|<|>|~=)[^,|()]*\*|(^|[,|(])!?=(?:[^,|()]*[^.])?\*')
# conda raises while matching '~=1' (nothing left to be compatible with): conda_spec says None.
COMPAT_SINGLE_SEGMENT = re.compile(r'~=[^.,|()]*(?:[,|()]|$)')


# conda strips a '(...)' section from a match spec as legacy syntax; rattler parses it.
LEGACY_PARENS = '('
# after 'name=', conda strips every '=' of '==>1' ('numpy===0' is 'numpy==0'), reads '=>1' as
# '>1*', and keeps the '=' on the first member of '=a,b' (so '=*' is a literal): rattler
# rejects the first two and reads the last as a glob.
FUZZY_SEPARATOR_OPERATOR = re.compile(r'^[=<>!~]')


def _excluded(text):
    return bool(UNDERSCORE_AT_EDGE.search(text) or RELATION_WITH_GLOB.search(text))


# --- generators ---------------------------------------------------------------------------
_number = st.integers(0, 12).map(str)
_word = st.sampled_from(['a', 'b', 'rc', 'dev', 'post', 'alpha', 'beta', 'foo', '_'])
_component = st.one_of(
    _number,
    st.tuples(_number, _word, st.sampled_from(['', '1', '2'])).map(''.join),
    st.tuples(_word, st.sampled_from(['', '1'])).map(''.join),
)
_body = st.tuples(st.lists(_component, min_size=1, max_size=4),
                  st.sampled_from(['.', '_', '-'])).map(lambda t: t[1].join(t[0]))
_local = st.one_of(st.just(''), st.lists(_component, min_size=1, max_size=2).map(
    lambda parts: '+' + '.'.join(parts)))
versions = st.tuples(st.sampled_from(['', '', '1!', '2!']), _body, _local, st.booleans()).map(
    lambda t: (t[0] + t[1] + t[2]).upper() if t[3] else t[0] + t[1] + t[2])
# records are built by conda from valid versions: keep the close-to-real ones common
near_versions = st.one_of(versions, st.sampled_from(
    ['1.19.2', '1.20', '2.0.0rc1', '2', '1.0.post1', '1.0.dev1', '1!0.1', '1.0+abc', '1.19']))
_leaf = st.tuples(st.sampled_from(['', '==', '!=', '<', '<=', '>', '>=', '=', '~=']),
                  near_versions, st.sampled_from(['', '', '.*', '*'])).map(''.join) | st.just('*')
version_specs = st.recursive(
    _leaf, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from([',', '|']), inner).map(''.join),
        st.tuples(inner, st.sampled_from([',', '|']), inner).map(lambda t: '(%s%s%s)' % t)),
    max_leaves=3)


def _rattler_version(text):
    try:
        return rattler.Version(text)
    except Exception:  # rattler's parse errors share no public base class
        return None


def _mine_version(text):
    try:
        return parse_version(text)
    except SpecError:
        return None


@FAST
@given(versions, versions)
def test_version_order_agrees_with_rattler(left, right):
    mine = (_mine_version(left), _mine_version(right))
    theirs = (_rattler_version(left), _rattler_version(right))
    for text, m, r in zip((left, right), mine, theirs):
        if not _excluded(text):
            assert (m is None) == (r is None), text
    if any(v is None for v in mine + theirs):  # rattler's == cannot take None
        return
    assert (mine[0] < mine[1], mine[0] == mine[1], mine[0] > mine[1]) == \
        (theirs[0] < theirs[1], theirs[0] == theirs[1], theirs[0] > theirs[1]), (left, right)
    if mine[0] == mine[1]:
        assert hash(mine[0]) == hash(mine[1])
    event('compared: %s' % ('<' if mine[0] < mine[1] else '=' if mine[0] == mine[1] else '>'))


@FAST
@given(version_specs, near_versions)
def test_version_spec_agrees_with_rattler(spec, version):
    if _excluded(spec) or _excluded(version):
        return
    try:
        theirs = rattler.VersionSpec(spec)
    except Exception:
        theirs = None
    try:
        mine = VersionSpec(spec)
    except SpecError:
        mine = None
    assert (mine is None) == (theirs is None), spec
    if mine is None or _mine_version(version) is None:
        return
    verdict = mine.match(version)
    if verdict is None:
        assert COMPAT_SINGLE_SEGMENT.search(spec), (spec, version)
        return
    assert verdict == theirs.matches(rattler.Version(version)), (spec, version)
    event('compared: %s' % verdict)


_names = st.sampled_from(['numpy', 'NumPy', 'num*', '*'])
_separators = st.sampled_from([' ', '', '='])
_builds = st.sampled_from(['', ' py39*', ' *_0', ' py39_0', '=py39_0', ' * py38*'])
_record_builds = st.sampled_from(['py39_0', 'py38_1', 'h1234_0'])


@FAST
@given(_names, _separators, version_specs, _builds, near_versions, _record_builds)
def test_match_spec_agrees_with_rattler(name, separator, version, build, record_version, record_build):
    if not separator and version[0] not in '=<>!~':
        separator = ' '  # glued on, the version would be part of the name
    text = name + separator + version + build
    if separator == '=' and (FUZZY_SEPARATOR_OPERATOR.search(version) or _excluded('=' + version)):
        return
    if LEGACY_PARENS in text or _excluded(text) or _excluded(record_version) or _mine_version(record_version) is None:
        return
    try:
        theirs = rattler.MatchSpec(text, exact_names_only=False)
    except Exception:
        theirs = None
    try:
        mine = MatchSpec.parse(text)
    except SpecError:
        mine = None
    assert (mine is None) == (theirs is None), text
    if mine is None:
        return
    build_number = int(record_build[-1])
    verdict = mine.match(dict(name='numpy', version=record_version, build=record_build,
                              build_number=build_number, subdir='linux-64'))
    if verdict is None:
        assert COMPAT_SINGLE_SEGMENT.search(text), (text, record_version)
        return
    record = rattler.PackageRecord(name='numpy', version=record_version,
                                   build=rattler.BuildString(record_build),
                                   build_number=build_number, subdir='linux-64')
    assert verdict == theirs.matches(record), (text, record_version, record_build)
    event('compared: %s' % verdict)


@pytest.mark.parametrize('spec,conda_says', [
    ('numpy==>1', 'accepted as numpy >1 (recording 49); rattler rejects it'),
    ('numpy ~=1.2.*', "rejected: invalid operator with '.*'; rattler accepts it"),
])
def test_documented_parse_disagreements_follow_conda(spec, conda_says):
    conda_accepts = conda_says.startswith('accepted')
    try:
        MatchSpec.parse(spec)
        mine_accepts = True
    except SpecError:
        mine_accepts = False
    try:
        rattler.MatchSpec(spec)
        rattler_accepts = True
    except Exception:
        rattler_accepts = False
    assert mine_accepts == conda_accepts, conda_says
    assert rattler_accepts != conda_accepts, 'rattler now agrees with conda: drop this exclusion'
