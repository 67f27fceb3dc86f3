"""conda_export_render: environment.yml and @EXPLICIT text from records, checked against real conda's exports."""
from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conda_testbed.session import RECORDINGS
from ansible_collections.macfleet.conda.plugins.module_utils._export_render import (
    ExportError, channel_name, dependency_order, environment_spec, package_channels, package_url,
    records_platform, render_environment, render_explicit, yaml_scalar)

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
