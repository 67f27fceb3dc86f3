"""conda_export_render: environment.yml and @EXPLICIT text from records, checked against real conda's exports."""
from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conda_testbed.session import RECORDINGS
from ansible_collections.macfleet.conda.plugins.module_utils._export_render import (
    PIP_URL_UNKNOWN, ExportError, PipDist, channel_name, conda_dependencies, conda_lock, dependency_order,
    environment_spec, package_channels, package_url, pip_dependencies, platform_content_hash, records_platform,
    render_conda_lock, render_environment, render_explicit, yaml_scalar)

CONTRACT = RECORDINGS
INSTALLS = 'conda-meta_myenv_after_installs'


def _records(folder=INSTALLS):
    records = [json.loads(path.read_text()) for path in (CONTRACT / folder).glob('*.json')]
    return sorted(records, key=lambda record: record['name'])


def _stdout(stem):
    # the recorder ends stdout with one blank line of its own
    text = (CONTRACT / (stem + '.txt')).read_text().split('----- stdout -----\n')[1].split('----- stderr')[0]
    return text[:-1] if text.endswith('\n\n') else text


def _without(text, *prefixes):
    return ''.join(line for line in text.splitlines(True) if not line.startswith(prefixes))


# What real conda printed, minus what we leave out on purpose: the host's prefix line (the file is
# for other hosts) and the created-by line (it would change the file whenever conda is updated).
RECORDED = [
    ('20_env_export', dict()),
    ('25_export_environment_yaml', dict()),
    ('22_env_export_no_builds', dict(no_builds=True)),
]


@pytest.mark.parametrize('stem, options', RECORDED, ids=[stem for stem, _options in RECORDED])
def test_environment_reads_like_conda_env_export(stem, options):
    spec = environment_spec('myenv', _records(), **options)
    assert render_environment(spec) == _without(_stdout(stem), 'prefix:')


def test_explicit_reads_like_conda_list_explicit_md5():
    expected = _without(_stdout('16_list_explicit_md5'), '# created-by:')
    assert render_explicit(_records(), 'linux-64') == expected


def test_from_history_renders_requested_specs_sorted_with_the_packages_channels():
    requested = {'python': 'python=3.9', 'numpy': 'numpy=1.19.2', 'toolz': 'toolz=0.11.2'}
    spec = environment_spec('myenv', _records(), requested=requested)
    assert spec == {'name': 'myenv', 'channels': ['file:///srv/conda-channel'],
                    'dependencies': ['numpy=1.19.2', 'python=3.9', 'toolz=0.11.2']}


@pytest.mark.parametrize('folder', ['conda-meta_myenv_after_create', INSTALLS, 'conda-meta_myenv_after_remove'])
@pytest.mark.parametrize('options', [{}, {'no_builds': True}, {'pip_packages': [('Zed', '1'), ('attrs', '23.1.0')]}])
def test_rendered_yaml_loads_back_as_the_spec(folder, options):
    spec = environment_spec('myenv', _records(folder), **options)
    assert yaml.safe_load(render_environment(spec)) == spec


def test_record_order_does_not_matter():
    records = _records()
    assert render_environment(environment_spec('e', records)) == \
        render_environment(environment_spec('e', list(reversed(records))))
    assert render_explicit(records, 'linux-64') == render_explicit(list(reversed(records)), 'linux-64')


def test_pip_packages_come_last_as_a_sub_list_in_conda_layout():
    spec = environment_spec('myenv', _records('conda-meta_myenv_after_create'),
                            pip_packages=[('requests', '2.31.0'), ('attrs', '23.1.0')])
    assert render_environment(spec) == (
        'name: myenv\n'
        'channels:\n'
        '  - file:///srv/conda-channel\n'
        'dependencies:\n'
        '  - pip=23.3=pyhdba3a45_0\n'
        '  - python=3.9.18=h2860985_0\n'
        '  - pip:\n'
        '      - attrs==23.1.0\n'
        '      - requests==2.31.0\n')


def test_an_empty_env_renders_empty_lists():
    text = render_environment(environment_spec('empty', []))
    assert text == 'name: empty\nchannels: []\ndependencies: []\n'
    assert yaml.safe_load(text) == {'name': 'empty', 'channels': [], 'dependencies': []}


def _record(name, channel, subdir='osx-arm64', depends=(), **extra):
    record = {'name': name, 'version': '1.0', 'build': 'h0_0', 'channel': channel, 'subdir': subdir,
              'depends': list(depends), 'fn': '%s-1.0-h0_0.conda' % name, 'md5': '0' * 32}
    record['url'] = '%s/%s' % (channel, record['fn'])
    record.update(extra)
    return record


@pytest.mark.parametrize('channel, subdir, expected', [
    ('https://conda.anaconda.org/conda-forge/osx-arm64', 'osx-arm64', 'conda-forge'),
    ('https://conda.anaconda.org/conda-forge/noarch', 'noarch', 'conda-forge'),
    ('https://conda.anaconda.org/conda-forge', None, 'conda-forge'),
    ('conda-forge', 'osx-64', 'conda-forge'),
    ('https://repo.anaconda.com/pkgs/main/osx-arm64', 'osx-arm64', 'https://repo.anaconda.com/pkgs/main'),
    ('file:///srv/conda-channel/linux-64', 'linux-64', 'file:///srv/conda-channel'),
    ('https://mirror.example/conda/bioconda/linux-aarch64', None, 'https://mirror.example/conda/bioconda'),
    ('https://user:s3cret@mirror.example/private/osx-arm64', 'osx-arm64', 'https://********@mirror.example/private'),
    ('https://conda.anaconda.org/t/tk-123/private/noarch', 'noarch', 't/********/private'),
])
def test_channel_name(channel, subdir, expected):
    assert channel_name({'channel': channel, 'subdir': subdir}) == expected


def test_mixed_channels_most_used_first_and_the_others_pinned():
    forge = 'https://conda.anaconda.org/conda-forge/osx-arm64'
    bioconda = 'https://conda.anaconda.org/bioconda/noarch'
    records = [_record('a', forge), _record('b', forge), _record('c', bioconda, 'noarch')]
    assert package_channels(records) == ['conda-forge', 'bioconda']
    spec = environment_spec('mixed', records)
    assert spec['dependencies'] == ['a=1.0=h0_0', 'b=1.0=h0_0', 'bioconda::c=1.0=h0_0']
    assert environment_spec('mixed', records, no_builds=True)['dependencies'][2] == 'bioconda::c=1.0'


def test_channel_ties_are_broken_by_name():
    records = [_record('x', 'https://conda.anaconda.org/zeta/noarch', 'noarch'),
               _record('y', 'https://conda.anaconda.org/alpha/noarch', 'noarch')]
    assert package_channels(records) == ['alpha', 'zeta']


def test_credentials_never_reach_the_output():
    private = 'https://builder:hunter2@conda.example/private/osx-arm64'
    tokened = 'https://conda.anaconda.org/t/abc-SECRET/mine/noarch'
    records = [_record('a', private), _record('b', tokened, 'noarch')]
    requested = {'a': '%s::a' % private.rsplit('/', 1)[0]}
    for text in (render_environment(environment_spec('e', records)),
                 render_environment(environment_spec('e', records, requested=requested)),
                 render_explicit(records, 'osx-arm64')):
        assert 'hunter2' not in text and 'SECRET' not in text and 'builder:' not in text
        assert '********' in text


@pytest.mark.parametrize('records, expected', [
    # conda drops python -> pip (its add_pip_as_python_dependency edge) before sorting
    ([_record('python', 'c', depends=['pip']), _record('pip', 'c', depends=['python >=3.7'])], ['python', 'pip']),
    # nothing needs it and it needs nothing: first
    ([_record('a', 'c', depends=['z']), _record('z', 'c'), _record('lonely', 'c')], ['lonely', 'z', 'a']),
    # a real cycle is broken at the package with the fewest unmet dependencies, then by name
    ([_record('b', 'c', depends=['a']), _record('a', 'c', depends=['b']), _record('d', 'c', depends=['a', 'b'])],
     ['a', 'b', 'd']),
    # levels, each by name; constraints in depends strings and missing dependencies are ignored
    ([_record('top', 'c', depends=['mid >=1', 'base']), _record('mid', 'c', depends=['base 1.*', 'absent']),
      _record('base', 'c'), _record('self', 'c', depends=['self', 'base'])], ['base', 'mid', 'self', 'top']),
])
def test_dependency_order(records, expected):
    assert [record['name'] for record in dependency_order(records)] == expected


def test_package_url_falls_back_to_channel_and_file_name_and_fails_without_either():
    record = _record('a', 'https://conda.anaconda.org/conda-forge/noarch', 'noarch')
    del record['url']
    assert package_url(record) == 'https://conda.anaconda.org/conda-forge/noarch/a-1.0-h0_0.conda'
    del record['channel']
    with pytest.raises(ExportError, match='a-1.0-h0_0 has no download URL'):
        render_explicit([record], 'noarch')


def test_explicit_lines_without_md5_have_no_hash():
    record = _record('a', 'https://conda.anaconda.org/conda-forge/noarch', 'noarch')
    del record['md5']
    assert render_explicit([record], 'osx-arm64').splitlines()[-1] == record['url']


def test_records_platform_prefers_the_packages_subdir():
    assert records_platform(_records(), 'osx-arm64') == 'linux-64'
    assert records_platform([_record('a', 'c', 'noarch')], 'osx-arm64') == 'osx-arm64'


@pytest.mark.parametrize('value, expected', [
    ('numpy=1.19.2=py39hf4c9891_0', 'numpy=1.19.2=py39hf4c9891_0'),
    ('numpy>=1.20,<2', 'numpy>=1.20,<2'),
    ('numpy 1.19.* py39*', 'numpy 1.19.* py39*'),
    ("numpy[version='>=1.20']", "numpy[version='>=1.20']"),
    ('file:///srv/conda-channel', 'file:///srv/conda-channel'),
    ('conda-forge::numpy', 'conda-forge::numpy'),
    ('yes', "'yes'"), ('Off', "'Off'"), ('null', "'null'"), ('1.0', "'1.0'"), ('2024-01-01', "'2024-01-01'"),
    ('>=1.0', "'>=1.0'"), ('*', "'*'"), ('a: b', "'a: b'"), ('a #b', "'a #b'"), ("it's", "it's"),
    ("'q", "'''q'"), ('', "''"), ('line\nbreak', '"line\\x0abreak"'),
])
def test_yaml_scalar(value, expected):
    assert yaml_scalar(value) == expected


@settings(max_examples=400, deadline=None)
@given(st.text())
@example("A\n")  # found by hypothesis: "$" matched before the final newline
def test_yaml_scalar_always_loads_back_as_the_same_string(value):
    assert yaml.safe_load('key: %s\n' % yaml_scalar(value)) == {'key': value}
    assert yaml.safe_load('- %s\n' % yaml_scalar(value)) == [value]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='abcXYZ019_.-=<>!,*+~^|$[]\':/@ #', min_size=1))
def test_yaml_scalar_on_spec_like_strings(value):
    assert yaml.safe_load('- %s\n' % yaml_scalar(value)) == [value]


def _variables_block(text):
    lines = text.splitlines(True)
    start = lines.index('variables:\n')
    end = next((index for index in range(start + 1, len(lines)) if not lines[index].startswith('  ')), len(lines))
    return ''.join(lines[start:end])


def _state_vars(stem):
    return json.loads(_stdout(stem))['env_vars']


@pytest.mark.parametrize('export_stem, state_stem', [
    ('98_env_export_with_vars', '97_cat_state_after_vars_set'),
    ('105_env_export_after_vars_unset', '103_cat_state_after_vars_unset'),
])
def test_variables_render_as_conda_env_export_writes_them(export_stem, state_stem):
    variables = dict((name, value) for name, value in _state_vars(state_stem).items() if value != '***unset***')
    rendered = render_environment(environment_spec('pipenv', _records(), variables=variables))
    assert _variables_block(rendered) == _variables_block(_stdout(export_stem))


def test_a_number_stays_a_number_and_a_numeric_string_a_string():
    # conda keeps an env file's 42 as a JSON number (recordings 100, 106) and "1" as a string
    variables = _state_vars('100_cat_state_env_create_variables')
    rendered = render_environment(environment_spec('varsenv', _records(), variables=variables))
    assert yaml.safe_load(rendered)['variables'] == json.loads(_stdout('106_env_export_vars_env_json'))['variables']
    assert list(yaml.safe_load(rendered)['variables']) == ['MACFLEET_X', 'MACFLEET_N', 'OTHER']


def test_no_variables_no_block():
    assert 'variables' not in environment_spec('myenv', _records(), variables={})
    assert 'variables:' not in render_environment(environment_spec('myenv', _records()))


# -- @EXPLICIT with a chosen hash --------------------------------------------------------------------

@pytest.mark.parametrize('hash_kind', ['md5', 'sha256', 'none'])
def test_explicit_hash_kinds_keep_conda_list_explicit_layout(hash_kind):
    # recording 16 is `conda list --explicit --md5`: the same header, marker and order for each kind,
    # only what follows '#' differs (conda 26.7.1 prints --sha256 so: test_export_locks.py compares it)
    recorded = _without(_stdout('16_list_explicit_md5'), '# created-by:').splitlines(True)
    by_url = dict((record['url'], record) for record in _records())
    expected = ''.join(recorded[:4]) + ''.join(
        line if hash_kind == 'md5' else
        line.split('#')[0] + ('\n' if hash_kind == 'none' else '#%s\n' % by_url[line.split('#')[0]]['sha256'])
        for line in recorded[4:])
    assert render_explicit(_records(), 'linux-64', hash_kind) == expected
    assert render_explicit(_records(), 'linux-64') == render_explicit(_records(), 'linux-64', 'md5')


def test_explicit_sha256_without_the_records_sha256_gives_a_bare_url_as_conda_does():
    record = _record('a', 'https://conda.anaconda.org/conda-forge/noarch', 'noarch')
    assert render_explicit([record], 'osx-arm64', 'sha256').splitlines()[-1] == record['url']
    record['sha256'] = 'f' * 64
    assert render_explicit([record], 'osx-arm64', 'sha256').splitlines()[-1] == record['url'] + '#' + 'f' * 64
    with pytest.raises(ValueError):
        render_explicit([record], 'osx-arm64', 'sha1')


# -- conda-lock ----------------------------------------------------------------------------------------

def _parse_with_conda_lock(tmp_path, text):
    """conda-lock's own loader (conda_lock.lockfile.parse_conda_lock_file, conda-lock 4) on ``text``."""
    lockfile = pytest.importorskip('conda_lock.lockfile')
    path = tmp_path / 'conda-lock.yml'
    path.write_text(text)
    return lockfile.parse_conda_lock_file(path)


def test_conda_lock_of_the_recorded_env_is_valid_for_conda_lock(tmp_path):
    records = _records()
    lock = conda_lock(records, 'linux-64')
    text = render_conda_lock(lock)
    assert yaml.safe_load(text) == lock
    parsed = _parse_with_conda_lock(tmp_path, text)
    assert parsed.metadata.platforms == ['linux-64']
    assert [channel.url for channel in parsed.metadata.channels] == ['file:///srv/conda-channel']
    assert parsed.metadata.content_hash == {'linux-64': platform_content_hash(lock['package'])}
    by_name = dict((package.name, package) for package in parsed.package)
    assert sorted(by_name) == ['numpy', 'pip', 'python', 'toolz']
    for record in records:
        package = by_name[record['name']]
        assert (package.version, package.manager, package.platform, package.url) == \
            (record['version'], 'conda', 'linux-64', record['url'])
        assert (package.hash.md5, package.hash.sha256) == (record['md5'], record['sha256'])
        assert package.categories == {'main'} and package.build is None
    assert by_name['numpy'].dependencies == {'python': '>=3.9,<3.10.0a0'}
    # conda-lock's own order (toposort on load): dependencies first, as conda list --explicit
    assert [package.name for package in parsed.package] == \
        [record['name'] for record in dependency_order(records)] == ['python', 'numpy', 'pip', 'toolz']


def test_conda_lock_text_layout_and_stability():
    records = _records()
    text = render_conda_lock(conda_lock(records, 'linux-64'))
    assert text == render_conda_lock(conda_lock(list(reversed(records)), 'linux-64'))
    lines = text.splitlines()
    assert lines[0].startswith('# ') and lines[2:5] == ['version: 1', 'metadata:', '  content_hash:']
    assert lines[lines.index('package:') + 1:lines.index('package:') + 11] == [
        '- name: numpy', "  version: '1.19.2'", '  manager: conda', '  platform: linux-64', '  dependencies:',
        "    python: '>=3.9,<3.10.0a0'",
        '  url: file:///srv/conda-channel/linux-64/numpy-1.19.2-py39hf4c9891_0.tar.bz2', '  hash:',
        "    md5: '20da162431d9e11eb5c83979cfc4b41d'",
        "    sha256: '1c37d5af637d9ca654d48962d8f038a80735bf9b8f74f6714249346162d02860'"]
    assert '  category: main' in lines and '  optional: false' in lines
    assert 'time' not in text and 'created' not in text


def test_content_hash_changes_exactly_with_the_entries():
    records = _records()
    one = conda_lock(records, 'linux-64')['metadata']['content_hash']['linux-64']
    assert one == conda_lock(list(reversed(records)), 'linux-64')['metadata']['content_hash']['linux-64']
    changed = [dict(record, md5='1' * 32) if record['name'] == 'toolz' else record for record in records]
    assert conda_lock(changed, 'linux-64')['metadata']['content_hash']['linux-64'] != one


@pytest.mark.parametrize('depends, expected', [
    (['python >=3.9,<3.10.0a0'], {'python': '>=3.9,<3.10.0a0'}),
    (['pip', 'pip'], {'pip': ''}),                       # real conda's python record lists pip twice
    (['numpy 1.19.2 py39_0'], {'numpy': '1.19.2'}),     # the build is not a dependency's constraint
    (['python_abi 3.9.* *_cp39', '__osx >=11.0'], {'__osx': '>=11.0', 'python_abi': '3.9.*'}),
    (['libzlib >=1.2', 'libzlib <2'], {'libzlib': '>=1.2,<2'}),
    ([], {}),
])
def test_conda_dependencies(depends, expected):
    assert conda_dependencies({'depends': depends}) == expected


def test_a_conda_package_without_md5_cannot_be_locked():
    record = _record('a', 'https://conda.anaconda.org/conda-forge/noarch', 'noarch')
    del record['md5']
    with pytest.raises(ExportError, match='a-1.0-h0_0 has no md5'):
        conda_lock([record], 'osx-arm64')


PIP_REQUIRES = ['six', 'requests>=2.31,<3', 'colorama; sys_platform == "win32"',
                'appnope; sys_platform == "darwin"', 'pytest; extra == "test"', 'not a requirement !!']


def test_pip_entries_say_what_the_dist_info_says_and_mark_the_rest(tmp_path):
    python = dict(_record('python', 'https://conda.anaconda.org/conda-forge/osx-arm64'), version='3.11.7')
    dists = [
        PipDist('from-index', '1.0', PIP_REQUIRES),
        PipDist('from-url', '2.0', [], {'url': 'https://builder:hunter2@pypi.example/w/from_url-2.0-py3-none-any.whl',
                                        'archive_info': {'hash': 'sha256=' + 'a' * 64,
                                                         'hashes': {'sha256': 'a' * 64}}}),
        PipDist('from-legacy-hash', '2.1', [], {'url': 'https://pypi.example/w/x-2.1.tar.gz',
                                                'archive_info': {'hash': 'sha256=' + 'b' * 64}}),
        PipDist('from-git', '0.1', [], {'url': 'https://example.com/repo.git',
                                        'vcs_info': {'vcs': 'git', 'commit_id': 'c' * 40}}),
        PipDist('from-dir', '0.2', [], {'url': 'file:///Users/builder/src/pkg', 'dir_info': {'editable': True}}),
    ]
    lock = conda_lock([python], 'osx-arm64', dists)
    pip = dict((entry['name'], entry) for entry in lock['package'] if entry['manager'] == 'pip')
    assert pip['from-index']['url'] == PIP_URL_UNKNOWN + 'from-index==1.0' and pip['from-index']['hash'] == {}
    # markers evaluated for CPython 3.11 on osx-arm64; extras are not installed; a bad line is skipped
    # (the specifier as packaging writes it: its clauses sorted)
    assert pip['from-index']['dependencies'] == {'appnope': '*', 'requests': '<3,>=2.31', 'six': '*'}
    assert pip['from-url']['url'] == 'https://********@pypi.example/w/from_url-2.0-py3-none-any.whl'
    assert pip['from-url']['hash'] == {'sha256': 'a' * 64}
    assert pip['from-legacy-hash']['hash'] == {'sha256': 'b' * 64}
    assert pip['from-git']['url'] == 'git+https://example.com/repo.git@' + 'c' * 40
    assert pip['from-dir']['url'] == 'file:///Users/builder/src/pkg' and pip['from-dir']['hash'] == {}
    text = render_conda_lock(lock)
    assert 'hunter2' not in text and 'builder:' not in text
    parsed = _parse_with_conda_lock(tmp_path, text)
    assert sorted(package.name for package in parsed.package if package.manager == 'pip') == sorted(pip)


def test_pip_dependencies_without_a_python_keep_only_unmarked_requirements():
    assert pip_dependencies(PipDist('x', '1', PIP_REQUIRES), None) == {'requests': '<3,>=2.31', 'six': '*'}


def test_conda_lock_masks_credentials():
    private = 'https://builder:hunter2@mirror.example/private/osx-arm64'
    token = 'https://conda.anaconda.org/t/SECRET-1/private/noarch'
    text = render_conda_lock(conda_lock([_record('a', private), _record('b', token, 'noarch')], 'osx-arm64'))
    assert 'hunter2' not in text and 'SECRET' not in text and 'builder:' not in text
    assert '********' in text
