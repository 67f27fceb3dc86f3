"""_pip_requirement against ``packaging`` (what pip vendors) as an oracle, plus hand-picked cases.

Requirements and markers are generated from pieces that make PEP 508 tricky (names ending in
'_' or '-', extras, parenthesised and trailing-comma specifiers, URLs, nested markers, escapes);
ours must accept exactly what packaging accepts, read the same parts, and evaluate markers the
same (or both refuse to). Requirement-file lines, ``satisfied`` and ``needed_distributions`` have
no oracle short of running pip, so they are pinned by hand from pip's ``req_file`` behaviour.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.macfleet.conda.plugins.module_utils._pip_requirement import (
    Marker, RequirementError, canonical_name, marker_environment, needed_distributions, parse_requirement, satisfied,
    split_requirement_lines)

packaging_requirements = pytest.importorskip('packaging.requirements')
packaging_markers = pytest.importorskip('packaging.markers')
packaging_utils = pytest.importorskip('packaging.utils')

MANY = settings(derandomize=True, max_examples=800, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
ENV = marker_environment('3.11.7', 'osx-arm64')


# --- generators ---------------------------------------------------------------------------
_names = st.sampled_from(['requests', 'Foo.Bar', 'foo_', 'foo-', 'foo.', '_foo', 'a', 'zope.interface', 'x-Y_z',
                          'foo bar', '1foo', 'fooé', ''])
_ws = st.sampled_from(['', '', ' ', '  ', '\t'])
_extras = st.one_of(st.just(''), st.lists(st.sampled_from(['security', 'Tests', 'a_b', 'x.y', '', 'c d']),
                                          max_size=3).map(lambda items: '[' + ', '.join(items) + ']'),
                    st.sampled_from(['[', '[a', '[a,]', '[,a]', '[a b]']))
_clause = st.tuples(st.sampled_from(['==', '!=', '<=', '>=', '<', '>', '~=', '===', '=']), _ws,
                    st.sampled_from(['1.0', '2.28', '1.*', '1.0.post1', '1.0+local', '1.0a1', 'foo', '1.0é', '3'])
                    ).map(''.join)
_spec_list = st.lists(st.tuples(_clause, _ws).map(''.join), max_size=3).map(','.join)
_specs = st.one_of(_spec_list, _spec_list.map(lambda text: text + ','), _spec_list.map(lambda text: '(' + text + ')'),
                   st.sampled_from(['(', ')', '(>=1.0', ',', '>=1.0,,<2']))
_urls = st.sampled_from(['https://example.com/foo-1.0.whl', 'git+https://x/y.git@v1#egg=foo', 'file:///tmp/x',
                         'https://x/y;python_version<"3"', ''])
_variables = st.sampled_from(['python_version', 'python_full_version', 'os_name', 'os.name', 'sys_platform',
                              'sys.platform', 'platform_machine', 'platform.machine', 'platform_release',
                              'platform_system', 'platform_version', 'platform_python_implementation',
                              'python_implementation', 'implementation_name', 'implementation_version', 'extra',
                              'python_versionx', 'extras'])
_values = st.sampled_from(['"3.8"', "'3.11'", '"3.11.7"', '"3.11.*"', '"darwin"', '"arm64"', '"posix"', '"Test_Extra"',
                           '"test-extra"', '"cpython"', '"3"', '""', '"not a version"', '"a\\tb"', '"a\\"', '"x y"',
                           "'3.8'", '"3.8 3.11"', '"3.10,<4"', '"3.11+"', '"\\x41"'])
_marker_ops = st.sampled_from(['==', '!=', '<', '<=', '>', '>=', '~=', '===', 'in', 'not in', 'not  in', 'notin', '='])
_operands = st.one_of(_variables, _values)
_items = st.tuples(_operands, _ws, _marker_ops, _ws, _operands).map(
    lambda t: t[0] + t[1] + (' ' + t[2] + ' ' if t[2][0].isalpha() else t[2]) + t[3] + t[4])
markers = st.recursive(_items, lambda inner: st.one_of(
    st.tuples(inner, st.sampled_from([' and ', ' or ', 'and', ' or']), inner).map(''.join),
    st.tuples(st.just('('), _ws, inner, _ws, st.just(')')).map(''.join)), max_leaves=4)


@st.composite
def requirement_texts(draw):
    # a composite, not a tuple of strategies: hypothesis would print the whole tree in its reprs
    details = draw(st.one_of(_specs, _urls.map(lambda url: '@ ' + url + ' ' if url else '@ ')))
    marker = draw(st.one_of(st.just(''), markers.map(lambda text: '; ' + text), markers.map(lambda text: ';' + text)))
    return ''.join([draw(_ws), draw(_names), draw(_ws), draw(_extras), draw(_ws), details, marker, draw(_ws)])


def _oracle(text):
    try:
        return packaging_requirements.Requirement(text)
    except packaging_requirements.InvalidRequirement:
        return None


def _mine(text):
    try:
        return parse_requirement(text)
    except RequirementError:
        return None


def _oracle_evaluate(marker, extra):
    try:
        return marker.evaluate(dict(ENV, extra=extra or ''))
    except (packaging_markers.UndefinedComparison, packaging_markers.UndefinedEnvironmentName):
        return 'refused'


def _mine_evaluate(marker, extra):
    try:
        return marker.evaluate(ENV, extra)
    except RequirementError:
        return 'refused'


# --- the oracle ---------------------------------------------------------------------------

@MANY
@given(requirement_texts())
def test_requirements_parse_as_packaging(text):
    oracle, mine = _oracle(text), _mine(text)
    assert (mine is None) == (oracle is None), text
    if oracle is None:
        return
    assert mine.name == packaging_utils.canonicalize_name(oracle.name)
    assert mine.raw_name == oracle.name
    assert mine.extras == frozenset(packaging_utils.canonicalize_name(extra) for extra in oracle.extras)
    assert str(mine.specifier) == str(oracle.specifier)
    assert mine.url == oracle.url
    assert mine.original == text
    assert (mine.marker is None) == (oracle.marker is None)
    if oracle.marker is not None:
        assert str(mine.marker) == str(oracle.marker)
        for extra in (None, 'test-extra'):
            assert _mine_evaluate(mine.marker, extra) == _oracle_evaluate(oracle.marker, extra), (text, extra)


@MANY
@given(markers)
def test_markers_parse_and_evaluate_as_packaging(text):
    try:
        oracle = packaging_markers.Marker(text)
    except packaging_markers.InvalidMarker:
        oracle = None
    try:
        mine = Marker(text)
    except RequirementError:
        mine = None
    assert (mine is None) == (oracle is None), text
    if oracle is not None:
        assert str(mine) == str(oracle)
        for extra in (None, 'test-extra', 'Test_Extra'):
            assert _mine_evaluate(mine, extra) == _oracle_evaluate(oracle, extra), (text, extra)


@pytest.mark.parametrize('subdir', ['osx-arm64', 'osx-64', 'linux-64', 'linux-aarch64', 'win-64'])
@pytest.mark.parametrize('python', ['3.9.18', '3.11.7', '3.13.0rc1', '3.14.0a2', '3.12'])
@pytest.mark.parametrize('text', [
    'python_version >= "3.10"', 'python_version < "3.9.1"', 'python_full_version >= "3.13.0rc1"',
    'implementation_version >= "3.13.0c1"', 'python_version == "3.1*"', 'python_version in "3.10 3.11 3.12"',
    'sys_platform == "darwin" and platform_machine == "arm64" or sys_platform == "win32"',
    'platform_system != "Windows" and os_name == "posix"', 'platform_machine in "x86_64 AMD64"',
    'python_version > "3.11"', 'python_full_version <= "3.11.7"', 'python_version ~= "3.11"',
])
def test_real_world_markers_as_packaging(subdir, python, text):
    environment = marker_environment(python, subdir)
    assert Marker(text).evaluate(environment) == packaging_markers.Marker(text).evaluate(dict(environment, extra=''))


# --- hand-picked: requirements and markers ----------------------------------------------------

def test_the_briefs_example():
    requirement = parse_requirement('requests>=2.28,<3; python_version >= "3.8"')
    assert (requirement.name, str(requirement.specifier), requirement.url) == ('requests', '<3,>=2.28', None)
    assert requirement.marker.evaluate(ENV)
    assert not requirement.marker.evaluate(marker_environment('3.7.1', 'linux-64'))


@pytest.mark.parametrize('text, name, extras, spec, url', [
    ('Foo.Bar[Sec,Tests]>=1.0', 'foo-bar', {'sec', 'tests'}, '>=1.0', None),
    ('foo (>=1.0, <2)', 'foo', set(), '<2,>=1.0', None),
    ('foo_', 'foo-', set(), '', None),
    ('foo>=1.0,', 'foo', set(), '>=1.0', None),
    ('foo[]', 'foo', set(), '', None),
    ('foo @ https://x/y.whl ; os_name == "nt"', 'foo', set(), '', 'https://x/y.whl'),
    ('foo @ https://x/y.whl;os_name=="nt"', 'foo', set(), '', 'https://x/y.whl;os_name=="nt"'),
    ('foo===1.0é', 'foo', set(), '===1.0é', None),
    ('foo===1.0,== 1.0', 'foo', set(), '==1.0,===1.0', None),  # the list splits at commas before '===' reads on
])
def test_requirement_parts(text, name, extras, spec, url):
    requirement = parse_requirement(text)
    assert (requirement.name, set(requirement.extras), str(requirement.specifier), requirement.url) == (
        name, extras, spec, url)


@pytest.mark.parametrize('text', ['', ' ', 'foo-', 'foo.', '_foo', 'foo bar', 'foo>=1.0,,<2', 'foo >= 1.0 ; ',
                                  'foo[a b]', 'foo[a,]', 'foo>=1.0.*', 'foo>=1.0+local', 'foo (>=1.0', 'foo==1.0)',
                                  'foo @', 'foo @ https://x y', 'foo; os_name = "x"', 'foo; python_versionx == "3"',
                                  'foo; os_name == "posix" and', 'foo; (os_name == "posix"', 'foo; "a\\" == os_name',
                                  'foo~=1', 'foo=1.0', 'fooé', 'foo\n', None])
def test_rejected_requirements(text):
    with pytest.raises(RequirementError) as raised:
        parse_requirement(text)
    assert repr(text) in str(raised.value)


def test_deep_marker_nesting_is_refused_not_a_recursion_error():
    with pytest.raises(RequirementError, match='levels of parentheses'):
        Marker('(' * 201 + 'os_name == "posix"' + ')' * 201)
    assert Marker('(' * 200 + 'os_name == "posix"' + ')' * 200).evaluate(ENV)


@pytest.mark.parametrize('text, extra, expected', [
    ('extra == "Test_Extra"', 'test.extra', True), ('extra == "test"', None, False),
    ('python_version > "3.9" and extra == "x" or os_name == "nt"', 'x', True),
    ('os_name == "nt" or python_version >= "3.11" and sys_platform == "darwin"', None, True),
    ('(os_name == "nt" or python_version >= "3.11") and sys_platform == "linux"', None, False),
    ('"3.8" < python_version', None, True), ('os_name < "z"', None, False), ('os_name <= "posix"', None, True),
    ('python_version == "3.11.*"', None, True), ('python_full_version > "3.11.7"', None, False),
])
def test_marker_cases(text, extra, expected):
    assert Marker(text).evaluate(ENV, extra) is expected


@pytest.mark.parametrize('text', ['os_name ~= "posix"', 'os_name === "posix"', '"a" == "a"', '"a" in extras',
                                  'dependency_groups == "x"'])
def test_markers_pip_cannot_evaluate_are_refused(text):
    with pytest.raises(RequirementError, match='Cannot evaluate'):
        Marker(text).evaluate(ENV)


def test_canonical_name():
    assert canonical_name('Foo.Bar__baz--Qux') == 'foo-bar-baz-qux'


# --- the environment of a conda env -------------------------------------------------------------

@pytest.mark.parametrize('subdir, machine, sys_platform, system, os_name', [
    ('osx-arm64', 'arm64', 'darwin', 'Darwin', 'posix'), ('osx-64', 'x86_64', 'darwin', 'Darwin', 'posix'),
    ('linux-64', 'x86_64', 'linux', 'Linux', 'posix'), ('linux-aarch64', 'aarch64', 'linux', 'Linux', 'posix'),
    ('win-64', 'AMD64', 'win32', 'Windows', 'nt'),
])
def test_marker_environment_per_subdir(subdir, machine, sys_platform, system, os_name):
    environment = marker_environment('3.11.7', subdir)
    assert (environment['platform_machine'], environment['sys_platform'], environment['platform_system'],
            environment['os_name']) == (machine, sys_platform, system, os_name)
    assert environment['python_version'] == '3.11'
    assert environment['python_full_version'] == environment['implementation_version'] == '3.11.7'
    assert (environment['implementation_name'], environment['platform_python_implementation']) == ('cpython', 'CPython')
    assert set(environment) == set(packaging_markers.default_environment())


def test_marker_environment_details():
    environment = marker_environment('3.13.0rc1', 'osx-arm64', system='Darwin', release='23.1.0', version='Darwin 23')
    assert (environment['python_full_version'], environment['implementation_version']) == ('3.13.0rc1', '3.13.0c1')
    assert (environment['platform_release'], environment['platform_version']) == ('23.1.0', 'Darwin 23')
    assert marker_environment('3.12', 'linux-64')['python_full_version'] == '3.12.0'
    with pytest.raises(ValueError, match='subdir'):
        marker_environment('3.11.7', 'noarch')
    with pytest.raises(ValueError, match='CPython version'):
        marker_environment('3.11.7.post1', 'osx-64')


# --- requirement-file lines ---------------------------------------------------------------------

def test_split_requirement_lines():
    lines = split_requirement_lines([
        '# a comment', '', 'requests>=2.28,<3; python_version >= "3.8"  # why',
        '--index-url=https://pypi.example/simple',
        '-i https://other/simple', '--extra-index-url https://x', '-f /wheels', '--no-index', '--pre',
        '--trusted-host h.example', '-c /abs/constraints.txt', '--only-binary=:all:', '--no-binary numpy',
        '--prefer-binary', 'Foo.Bar[Sec]', 'foo @ https://x/foo.whl', 'https://x/bar-1.0.tar.gz',
        'git+https://github.com/x/y.git@v1#egg=y', './pkg', '/abs/x.whl', 'pkg.zip', '-e /src/z',
        '--editable=git+https://x/z.git', '-r /abs/more.txt', '--requirement /abs/more.txt', 'baz==${VERSION}',
        'qux --hash=sha256:abc --hash sha256:def',
    ])
    assert lines.options == ['--index-url', 'https://pypi.example/simple', '--index-url', 'https://other/simple',
                             '--extra-index-url', 'https://x', '--find-links', '/wheels', '--no-index', '--pre',
                             '--trusted-host', 'h.example', '--only-binary', ':all:', '--no-binary', 'numpy',
                             '--prefer-binary']
    assert lines.pre is True
    assert [r.name for r in lines.requirements] == ['requests', 'foo-bar', 'qux']
    assert lines.requirements[0].original == 'requests>=2.28,<3; python_version >= "3.8"'
    assert lines.undecidable == [
        '-c /abs/constraints.txt', 'foo @ https://x/foo.whl', 'https://x/bar-1.0.tar.gz', 'git+https://github.com/x/y.git@v1#egg=y', './pkg',
        '/abs/x.whl', 'pkg.zip', '-e /src/z', '--editable=git+https://x/z.git', '-r /abs/more.txt',
        '--requirement /abs/more.txt', 'baz==${VERSION}']
    assert split_requirement_lines(['numpy']).pre is False
    assert lines.reads_files is True and split_requirement_lines(['numpy', '-i https://x']).reads_files is False
    assert lines.per_requirement == [('qux --hash=sha256:abc --hash sha256:def', '--hash')] * 2
    assert lines.local_paths == [('-f /wheels', '/wheels'), ('-c /abs/constraints.txt', '/abs/constraints.txt'),
                                 ('./pkg', './pkg'), ('/abs/x.whl', '/abs/x.whl'), ('pkg.zip', 'pkg.zip'),
                                 ('-e /src/z', '/src/z'), ('-r /abs/more.txt', '/abs/more.txt'),
                                 ('--requirement /abs/more.txt', '/abs/more.txt')]
    assert lines.sources['git+https://github.com/x/y.git@v1#egg=y'] == 'git+https://github.com/x/y.git@v1#egg=y'
    assert lines.sources['--editable=git+https://x/z.git'] == 'git+https://x/z.git'


def test_lines_become_pip_install_arguments_in_order():
    lines = split_requirement_lines(['-i https://x', 'requests>=2  # why', '-e /src/z', '--pre', 'a[b]; os_name == "posix"'])
    assert lines.argv == ['--index-url', 'https://x', 'requests>=2', '--editable', '/src/z', '--pre',
                          'a[b]; os_name == "posix"']


def test_requirement_line_details():
    # a '#' only starts a comment at the start or after whitespace, so a URL fragment stays
    assert split_requirement_lines(['https://x/y.zip#sha1=abc']).undecidable == ['https://x/y.zip#sha1=abc']
    # continuation lines join as pip joins them
    joined = split_requirement_lines(['requests>=2.0,\\', '<3'])
    assert [str(r.specifier) for r in joined.requirements] == ['<3,>=2.0']
    assert split_requirement_lines(['numpy\n--pre']).pre  # one item holding two lines
    assert split_requirement_lines(['--extra-index=https://x']).options == ['--extra-index-url', 'https://x']
    assert split_requirement_lines(['-ihttps://x']).options == ['--index-url', 'https://x']
    assert split_requirement_lines(['--pre --no-index']).options == ['--pre', '--no-index']


@pytest.mark.parametrize('line, match', [
    ('--bogus', 'unknown option --bogus'), ('-x foo', 'unknown option'), ('--no', 'ambiguous option --no'),
    ('--pre=yes', 'takes no value'), ('--index-url', 'needs a value'), ('-i', 'needs a value'),
    ('--pre numpy', "unexpected 'numpy'"), ('numpy --pre', 'ignores --pre'), ('--hash=sha256:x', 'after a requirement'),
    ('numpy>=', "Invalid requirement 'numpy>='"), ("-i 'unclosed", 'Invalid requirement line'),
    ('numpy ==1.0 ; os_name ==', "Invalid requirement 'numpy ==1.0 ; os_name =='"),
])
def test_rejected_lines(line, match):
    with pytest.raises(RequirementError, match=match) as raised:
        split_requirement_lines([line])
    assert repr(line) in str(raised.value) or repr(line.split(' --')[0]) in str(raised.value)


def test_non_text_lines_are_refused():
    with pytest.raises(RequirementError, match='not a string'):
        split_requirement_lines([1.0])


# --- deciding from installed metadata -----------------------------------------------------------

INSTALLED = {'requests': '2.31.0', 'urllib3': '2.0.7', 'idna': '3.4', 'pysocks': '1.7.1', 'charset-normalizer': '3.3.0',
             'beta-pkg': '2.0b1', 'legacy': '1.0-foo', 'pip': '24.0', 'cycle-a': '1.0', 'cycle-b': '1.0'}
REQUIRES = {
    'requests': ['charset-normalizer<4,>=2', 'idna<4,>=2.5', 'urllib3<3,>=1.21.1',
                 'PySocks!=1.5.7,>=1.5.6; extra == "socks"', 'chardet<6,>=3.0.2; extra == "use-chardet-on-py3"'],
    'urllib3': ['brotli>=1.0.9; platform_python_implementation == "CPython" and extra == "brotli"',
                'pysocks<2.0,>=1.5.6; extra == "socks"'],
    'cycle-a': ['cycle-b[x]; extra == "x"'],
    'cycle-b': ['cycle-a[x]; extra == "x"', 'idna; extra == "x"'],
}


@pytest.mark.parametrize('text, expected', [
    ('requests>=2.28,<3', True), ('requests<2.28', False), ('Requests==2.31.*', True), ('missing', False),
    ('missing; python_version < "3.0"', True), ('requests>3; sys_platform == "darwin"', False),
    ('beta-pkg>=1.0', True), ('beta-pkg>=2.0', False), ('legacy===1.0-foo', True), ('legacy>=1.0', None), ('legacy', None),
    ('requests[socks]', None), ('foo @ https://x/foo.whl', None), ('requests==2.31.0+local', False),
])
def test_satisfied(text, expected):
    assert satisfied(parse_requirement(text), INSTALLED, ENV) is expected


@pytest.mark.parametrize('text, expected', [
    ('requests[socks]', True), ('requests[use_chardet_on_py3]', False), ('requests[Socks]>=3', False),
    ('urllib3[brotli]', False), ('cycle-a[x]', True), ('requests[nonexistent]', True),
])
def test_satisfied_with_extras_given_requires(text, expected):
    assert satisfied(parse_requirement(text), INSTALLED, ENV, requires=REQUIRES) is expected


def test_satisfied_extras_follow_markers():
    # brotli is only required on CPython: elsewhere nothing of urllib3[brotli] is missing
    pypy = dict(ENV, platform_python_implementation='PyPy')
    assert satisfied(parse_requirement('urllib3[brotli]'), INSTALLED, pypy, requires=REQUIRES) is True
    assert satisfied(parse_requirement('requests[socks]'), INSTALLED, ENV,
                     requires=dict(REQUIRES, requests=['not a requirement!'])) is None


def test_needed_distributions():
    roots = [parse_requirement('requests')]
    assert needed_distributions(roots, REQUIRES, INSTALLED, ENV) == {
        'requests', 'charset-normalizer', 'idna', 'urllib3'}
    roots = [parse_requirement('requests[socks]'), parse_requirement('missing'), parse_requirement('cycle-a[x]'),
             parse_requirement('beta-pkg; python_version < "3"')]
    assert needed_distributions(roots, REQUIRES, INSTALLED, ENV) == {
        'requests', 'charset-normalizer', 'idna', 'urllib3', 'pysocks', 'cycle-a', 'cycle-b'}
    assert needed_distributions([], REQUIRES, INSTALLED, ENV) == set()
    with pytest.raises(RequirementError, match='Requires-Dist of requests'):
        needed_distributions([parse_requirement('requests')], {'requests': ['bad req!']}, INSTALLED, ENV)
