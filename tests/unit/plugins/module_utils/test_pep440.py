"""_pep440 against ``packaging`` (what pip vendors) as an oracle, plus hand-picked PEP 440 cases.

One deliberate difference is pinned below, not excluded silently: with ``prereleases=None``,
packaging 26 lets any prerelease match ``contains`` (a single version "has no alternatives"); ours
lets it match only when the set names a prerelease, as packaging did before 26.0 and as pip picks
candidates. ``prereleases=True`` (how pip judges what is installed) and ``False`` agree exactly.
"""
from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.macfleet.conda.plugins.module_utils._pep440 import (
    InvalidSpecifier, InvalidVersion, SpecifierSet, Version, parse_version)

packaging_version = pytest.importorskip('packaging.version')
packaging_specifiers = pytest.importorskip('packaging.specifiers')

MANY = settings(derandomize=True, max_examples=500, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def _oracle_version(text):
    try:
        return packaging_version.Version(text)
    except packaging_version.InvalidVersion:
        return None


def _oracle_specifier(text):
    try:
        return packaging_specifiers.SpecifierSet(text)
    except packaging_specifiers.InvalidSpecifier:
        return None


def _mine_version(text):
    try:
        return parse_version(text)
    except InvalidVersion:
        return None


def _mine_specifier(text):
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


# --- generators ---------------------------------------------------------------------------
# Mostly valid spellings, with the separators, letters and case that make PEP 440 tricky, and
# a sprinkling of near misses (empty parts, stray separators, unknown words) that must fail.
_sep = st.sampled_from(['', '', '.', '-', '_'])
_num = st.sampled_from(['0', '1', '2', '10', '00', '01', '999'])
_opt_num = st.sampled_from(['', '0', '1', '2', '12'])
_release = st.lists(_num, min_size=1, max_size=4).map('.'.join)
_pre = st.one_of(st.just(''), st.tuples(_sep, st.sampled_from(
    ['a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview', 'RC', 'Alpha', 'gamma']), _sep, _opt_num).map(''.join))
_post = st.one_of(st.just(''), st.tuples(_sep, st.sampled_from(['post', 'rev', 'r', 'POST']), _sep, _opt_num).map(
    ''.join), st.sampled_from(['-1', '-0', '-12', '-']))
_dev = st.one_of(st.just(''), st.tuples(_sep, st.sampled_from(['dev', 'DEV', 'develop']), _sep, _opt_num).map(''.join))
_local = st.one_of(st.just(''), st.lists(st.sampled_from(['abc', '1', '01', 'Ubuntu', 'z9', '', 'a-b']),
                                         min_size=1, max_size=3).map(lambda parts: '+' + '.'.join(parts)))
_epoch = st.sampled_from(['', '', '', '1!', '0!', '12!', '!'])
_space = st.sampled_from(['', '', ' ', '\t', ' \n'])
version_texts = st.tuples(_space, st.sampled_from(['', '', 'v', 'V']), _epoch, _release, _pre, _post, _dev, _local,
                          _space).map(''.join) | st.sampled_from(
    ['', '1..0', '.1', '1.', 'a1', '1.0+', '1.0+.a', '1.0 a1', '1.0.*', '1.*', '1!2!3', '1.0_1', 'dev', '1-a'])
# A small structured pool, and pairs that differ in a segment or two: the edges of '<', '>', '~=',
# '.*' and local matching are between versions that share most of their segments.
_SEGMENTS = (['', '', '', '1!'], ['1', '1.0', '1.0.0', '1.1', '2'], ['', '', 'a0', 'a1', 'b2', 'rc1'],
             ['', '', '.post0', '.post1', '.post2'], ['', '', '.dev0', '.dev1'], ['', '', '+a', '+1', '+a.1'])
near_versions = st.tuples(*(st.sampled_from(choices) for choices in _SEGMENTS)).map(''.join)


@st.composite
def near_pairs(draw):
    first = [draw(st.sampled_from(choices)) for choices in _SEGMENTS]
    second = list(first)
    for index in draw(st.lists(st.integers(0, len(_SEGMENTS) - 1), min_size=1, max_size=2, unique=True)):
        second[index] = draw(st.sampled_from([part for part in _SEGMENTS[index] if part != first[index]]))
    return ''.join(first), ''.join(second)


valid_versions = version_texts.filter(lambda text: _oracle_version(text) is not None) | near_versions

_ops = st.sampled_from(['==', '!=', '<=', '>=', '<', '>', '~=', '===', '=', '=>', '~', ''])
_spec_version = st.one_of(valid_versions, near_versions, st.tuples(
    _release, st.sampled_from(['.*', '.*', '*', '.*.*'])).map(''.join),
    st.sampled_from(['foo', '1.0+local.*', '1.0a1.*', '1.0;x', '1.0)']))
_clause = st.tuples(_ops, _space, _spec_version).map(''.join)
specifier_texts = st.lists(_clause, min_size=0, max_size=3).map(','.join) | st.sampled_from(
    ['', ',', ' , ', '>=1.0,', ',>=1.0', '>=1.0,,<2', '>= 1.0 , < 2'])


# --- the oracle ---------------------------------------------------------------------------

@MANY
@given(version_texts)
def test_parse_accepts_and_normalises_as_packaging(text):
    oracle = _oracle_version(text)
    mine = _mine_version(text)
    assert (mine is None) == (oracle is None), text
    if oracle is not None:
        assert str(mine) == str(oracle)
        assert mine.public == oracle.public
        assert mine.base_version == oracle.base_version
        assert mine.is_prerelease == oracle.is_prerelease
        assert (mine.epoch, mine.release, mine.pre, mine.post, mine.dev) == (
            oracle.epoch, oracle.release, oracle.pre, oracle.post, oracle.dev)


@MANY
@given(st.one_of(st.tuples(valid_versions, valid_versions), near_pairs()))
def test_order_and_equality_as_packaging(pair):
    left, right = pair
    a, b = parse_version(left), parse_version(right)
    pa, pb = packaging_version.Version(left), packaging_version.Version(right)
    assert (a < b, a <= b, a == b, a != b, a >= b, a > b) == (pa < pb, pa <= pb, pa == pb, pa != pb, pa >= pb, pa > pb)
    if a == b:
        assert hash(a) == hash(b)


@MANY
@given(specifier_texts)
def test_specifier_syntax_as_packaging(text):
    oracle = _oracle_specifier(text)
    mine = _mine_specifier(text)
    assert (mine is None) == (oracle is None), text
    if oracle is not None:
        assert len(mine) == len(oracle)  # before str(), which dedupes packaging's clauses in place
        assert str(mine) == str(oracle)


_specifiers = specifier_texts.filter(lambda text: _oracle_specifier(text) is not None)
_candidates = st.one_of(valid_versions, near_versions, version_texts,
                        st.sampled_from(['foo', '1.0', '1.0a1', 'FOO', 'v1.0', '1.0.0', ' 1.0']))


@MANY
@given(_specifiers, _candidates)
def test_contains_as_packaging(spec_text, candidate):
    mine, oracle = SpecifierSet(spec_text), packaging_specifiers.SpecifierSet(spec_text)
    for prereleases in (True, False):
        assert mine.contains(candidate, prereleases=prereleases) == oracle.contains(
            candidate, prereleases=prereleases), (spec_text, candidate, prereleases)
    parsed = _oracle_version(candidate)
    if parsed is not None:
        assert mine.contains(parse_version(candidate), prereleases=True) == oracle.contains(
            parsed, prereleases=True), (spec_text, candidate)
    # the default: packaging<26 semantics, which packaging 26 still reports as `prereleases`
    expected = oracle.contains(candidate, prereleases=True) and not (
        parsed is not None and parsed.is_prerelease and not oracle.prereleases)
    assert mine.contains(candidate) == expected, (spec_text, candidate)


@pytest.mark.parametrize('operator', ['==', '!=', '<=', '>=', '<', '>', '~='])
@settings(MANY, max_examples=200)
@given(near_pairs(), st.sampled_from(['', '', '.*']))
def test_single_clauses_near_their_own_versions_as_packaging(operator, pair, wildcard):
    """The candidate differs from the clause's version in a segment or two, so the edges are hit."""
    text, candidate = operator + pair[0] + wildcard, pair[1]
    oracle = _oracle_specifier(text)
    if oracle is None:
        assert _mine_specifier(text) is None
        return
    assert SpecifierSet(text).contains(candidate, prereleases=True) == oracle.contains(candidate, prereleases=True)
    assert SpecifierSet(text).contains(candidate) == (oracle.contains(candidate, prereleases=True) and not (
        packaging_version.Version(candidate).is_prerelease and not oracle.prereleases))


# Every pair from a grid of versions that share most segments: the edges of '<', '>', '~=', '.*'
# and local matching lie between such neighbours, which random draws rarely land on together.
GRID = [''.join(parts) for parts in itertools.product(
    ['1', '1.0.0', '1.1', '2'], ['', 'a0', 'rc1'], ['', '.post0', '.post2'], ['', '.dev0'], ['', '+a', '+1'])]


def test_order_on_a_grid_as_packaging():
    mine = sorted(GRID, key=parse_version)
    assert mine == sorted(GRID, key=packaging_version.Version)
    keys = [(parse_version(a) == parse_version(b), packaging_version.Version(a) == packaging_version.Version(b))
            for a, b in zip(mine, mine[1:])]
    assert all(ours == theirs for ours, theirs in keys)


@pytest.mark.parametrize('operator', ['==', '!=', '<=', '>=', '<', '>', '~=', '==*', '!=*'])
def test_every_clause_on_a_grid_as_packaging(operator):
    wildcard = operator.endswith('*')
    checked = 0
    for spec_version in GRID:
        text = operator.rstrip('*') + spec_version + ('.*' if wildcard else '')
        oracle = _oracle_specifier(text)
        if oracle is None:
            assert _mine_specifier(text) is None, text
            continue
        mine = SpecifierSet(text)
        for candidate in GRID:
            assert mine.contains(candidate, prereleases=True) == oracle.contains(candidate, prereleases=True), (
                text, candidate)
            checked += 1
    assert checked > len(GRID)  # the grid must give the operator some valid clauses


# --- hand-picked: PEP 440's own examples ------------------------------------------------------

# PEP 440, "Summary of permitted suffixes and relative ordering", in ascending order
PEP440_ORDER = ['1.dev0', '1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2',
                '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7',
                '1.0+5', '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1', '1!0.1']


def test_pep440_ordering_example():
    versions = [parse_version(text) for text in PEP440_ORDER]
    assert sorted(reversed(versions)) == versions
    assert all(a < b for a, b in zip(versions, versions[1:]))


@pytest.mark.parametrize('text, normal', [
    ('1.0', '1.0'), ('1.0.0', '1.0.0'), ('v1.0', '1.0'), ('  1.0\n', '1.0'), ('1.0ALPHA1', '1.0a1'),
    ('1.0-beta.2', '1.0b2'), ('1.0c1', '1.0rc1'), ('1.0pre', '1.0rc0'), ('1.0preview3', '1.0rc3'),
    ('1.0-1', '1.0.post1'), ('1.0rev', '1.0.post0'), ('1.0_r_4', '1.0.post4'), ('1.0.post', '1.0.post0'),
    ('1.0-dev', '1.0.dev0'), ('1.0dev3', '1.0.dev3'), ('00.01', '0.1'), ('1!2.0', '1!2.0'), ('0!1.0', '1.0'),
    ('1.0+Ubuntu-1', '1.0+ubuntu.1'), ('1.0+abc_007', '1.0+abc.7'), ('1.0a.', '1.0a0'), ('1.0.post-', '1.0.post0'),
])
def test_normalisation(text, normal):
    assert str(parse_version(text)) == normal


@pytest.mark.parametrize('text', ['', ' ', '1..0', '.1', '1.', 'a1', '1.0+', '1.0+_a', '1.0 a1', '1.0.*', '1!', '!1',
                                  '1!2!3', '1.0-', '1.0--1', '1.0ab', '1.0.post.-', '١.٠', 'v', 'vv1', None, 1.0])
def test_rejected_versions(text):
    with pytest.raises(InvalidVersion):
        parse_version(text)


def test_equal_when_normalised_equal_and_hashable():
    assert parse_version('1.0') == parse_version('1.0.0') == parse_version('v1.0.0.0')
    assert len({parse_version('1.0'), parse_version('1.0.0'), parse_version('1')}) == 1
    assert parse_version('1.0+a') != parse_version('1.0')
    assert parse_version('1.0') != '1.0'  # a Version never equals text
    with pytest.raises(TypeError):
        parse_version('1.0') < '1.1'  # noqa: B015  (the comparison is what raises)


def test_parts():
    version = parse_version('2!1.0.0rc1.post2.dev3+local.7')
    assert version.public == '2!1.0.0rc1.post2.dev3'
    assert version.base_version == '2!1.0.0'
    assert version.is_prerelease
    assert not parse_version('1.0.post1').is_prerelease
    assert parse_version('1.0.dev1').is_prerelease
    assert isinstance(version, Version)


# --- hand-picked: specifiers ------------------------------------------------------------------

@pytest.mark.parametrize('spec, version, expected', [
    # exclusive ordered comparisons (PEP 440): neither side lets in V's own pre/post/local releases
    ('>1.7', '1.7.post1', False), ('>1.7', '1.7+local', False), ('>1.7', '1.7.1', True), ('>1.7', '1.8.dev0', True),
    ('>1.7.post2', '1.7.post3', True), ('>1.7.post2', '1.7.post2+l', False), ('>1.7.post2', '1.7.post3.dev0', True),
    ('>1.7a1', '1.7a1.post1', False), ('>1.7a1', '1.7a2.dev0', True), ('>1.7a1', '1.7', True),
    ('>1.7.dev1', '1.7.dev2', True), ('>1.7.dev1', '1.7.dev1+l', False), ('>1.7.dev1', '1.7a1', True),
    ('<1.7', '1.7.dev0', False), ('<1.7', '1.7rc1', False), ('<1.7', '1.6.9.post1', True), ('<1.7', '1.6+l', True),
    ('<1.7rc1', '1.7b3', True), ('<1.7rc1', '1.7rc1.dev0', True), ('<1.7rc1', '1.7rc1', False),
    ('<1.7.post2', '1.7.post1', True), ('<1.7.post2', '1.7', True), ('<1.7.post2', '1.7.post2.dev0', False),
    ('<0', '0.dev0', False),
    # inclusive ones include local versions of V
    ('<=1.7', '1.7+l', True), ('<=1.7', '1.7.post0', False), ('>=1.7', '1.7+l', True), ('>=1.7', '1.7rc9', False),
    # equality: zero padding, local versions, prefix matching
    ('==1.7', '1.7.0', True), ('==1.7', '1.7+local.1', True), ('==1.7+local', '1.7', False),
    ('==1.7+local.01', '1.7+LOCAL.1', True), ('!=1.7', '1.7+local', False), ('!=1.7+a', '1.7+b', True),
    ('==1.7.*', '1.7', True), ('==1.7.*', '1.7.9.post3+l', True), ('==1.7.*', '1.70', False),
    ('==1.7.*', '1.8.dev0', False), ('==1.7.*', '1.7.dev0', True), ('==1.0.0.*', '1', True),
    ('!=1.7.*', '1.7.1', False), ('!=1.7.*', '1.8', True), ('==1!1.*', '1.0', False),
    # compatible release
    ('~=1.4.5', '1.4.9', True), ('~=1.4.5', '1.5.0', False), ('~=1.4.5', '1.4.4', False), ('~=1.4', '1.9', True),
    ('~=1.4', '2.0.dev0', False), ('~=1.4.5a4', '1.4.5a5', True), ('~=2.2.post3', '2.9', True),
    ('~=2.2.post3', '2.2', False), ('~=1.4', '1.4+l', True),
    # arbitrary equality compares text, case-insensitively, and nothing else
    ('===1.0', '1.0', True), ('===1.0', '1.0.0', False), ('===foobar', 'FooBar', True), ('===1.0', 'v1.0', False),
    # sets need every clause
    ('>=1.0,<2.0,!=1.5.*', '1.5.2', False), ('>=1.0,<2.0,!=1.5.*', '1.6', True), ('', '0.0.1', True),
    ('>=1.0', 'not a version', False),
])
def test_specifier_cases(spec, version, expected):
    assert SpecifierSet(spec).contains(version, prereleases=True) is expected


@pytest.mark.parametrize('spec, version, expected', [
    ('>=1.0', '2.0b1', False), ('>=1.0b1', '2.0b1', True), ('>=1.0,!=2.0b1', '2.0b1', False),
    ('==2.0b1', '2.0b1', True), ('!=2.0b1', '2.0b1', False), ('!=2.0b1', '2.0b2', False),
    ('==2.0.*', '2.0.dev1', False), ('', '1.0rc1', False), ('', '1.0', True), ('<2.0.dev5', '2.0.dev1', True),
    ('>=1.0', '1.0.post1', True),
])
def test_prereleases_only_when_named(spec, version, expected):
    assert SpecifierSet(spec).contains(version) is expected
    assert SpecifierSet(spec).contains(parse_version(version)) is expected
    assert SpecifierSet(spec).contains(version, prereleases=False) is (expected and not parse_version(
        version).is_prerelease)


def test_prereleases_true_lets_any_in():
    assert SpecifierSet('>=1.0').contains('2.0b1', prereleases=True)
    assert SpecifierSet('').contains('1.0rc1', prereleases=True)
    assert not SpecifierSet('==2.0b1').contains('2.0b1', prereleases=False)


@pytest.mark.parametrize('text', ['>=1.0.*', '<1.0+local', '~=1', '~=1.*', '==1.0a1.*', '==1.0+l.*', '=1.0', '=>1.0',
                                  '1.0', '>= 1.0 2', '>=1.0;', '>=1.0)', '== v', '>=', '~=1.0+l', '>=1.0 <2',
                                  '===', '=== ', '!=1.0.*.*', '>=1.0,foo', '>=١'])
def test_rejected_specifiers(text):
    with pytest.raises(InvalidSpecifier) as raised:
        SpecifierSet(text)
    assert repr(text.split(',')[-1].strip()) in str(raised.value) or repr(text.strip()) in str(raised.value)


@pytest.mark.parametrize('text, normal', [
    ('>= 1.0 , < 2', '<2,>=1.0'), ('==1.0,==1.0.0', '==1.0'), ('~=1.0,~=1.0.0', '~=1.0,~=1.0.0'),
    ('  ', ''), ('>=v1.0', '>=v1.0'), ('>=1.0,', '>=1.0'),
])
def test_specifier_text(text, normal):
    assert str(SpecifierSet(text)) == normal
