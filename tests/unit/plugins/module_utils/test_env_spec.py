"""declared_env: an environment.yml structure read as its users mean it (recordings 99-100, 116-122)."""
from __future__ import annotations

import pytest

from ansible_collections.macfleet.conda.plugins.module_utils._env_spec import (
    EnvSpecError, declared_env, declared_variables)


def test_pip_sub_lists_are_collected_in_order_and_conda_specs_kept_apart():
    declared = declared_env({'dependencies': ['python=3.11', {'pip': ['a==1']}, 'pip', {'pip': ['--pre', 'b']}]})
    assert declared.dependencies == ['python=3.11', 'pip']
    assert declared.pip == ['a==1', '--pre', 'b']


def test_no_pip_section_is_not_an_empty_one():
    # prune removes pip packages only where a pip list is declared, even an empty one
    assert declared_env({'dependencies': ['python']}).pip is None
    assert declared_env({'dependencies': ['python', {'pip': []}]}).pip == []


def test_nodefaults_means_no_default_channels_not_a_channel():
    declared = declared_env({'channels': ['conda-forge', 'nodefaults'], 'dependencies': []})
    assert declared.channels == ['conda-forge'] and declared.nodefaults is True
    assert declared_env({'channels': ['conda-forge']}).nodefaults is False


def test_prefix_key_is_kept_for_when_nothing_else_names_the_env():
    declared = declared_env({'name': 'namewins', 'prefix': '/opt/miniconda3/envs/prefixwins'})
    assert (declared.name, declared.prefix) == ('namewins', '/opt/miniconda3/envs/prefixwins')
    with pytest.raises(EnvSpecError, match='prefix must be an absolute path'):
        declared_env({'prefix': 'envs/relative'})


def test_variables_are_text_as_activation_exports_them():
    # an env file's unquoted 42 is stored as a number by conda (recording 100); it is the text "42"
    assert declared_env({'variables': {'MACFLEET_N': 42, 'OTHER': 'two'}}).variables == {
        'MACFLEET_N': '42', 'OTHER': 'two'}
    assert declared_env({}).variables is None
    assert declared_env({'variables': {}}).variables == {}


@pytest.mark.parametrize('variables, message', [
    ({'X': [1]}, 'the value of X must be a string or a number, got list'),
    ({'X': {'a': 1}}, 'the value of X must be a string or a number, got dict'),
    ({'X': None}, 'the value of X must be a string or a number, got null'),
    ({'X': ' padded'}, 'white space, which conda strips'),
    ({'1X': 'a'}, "'1X' is not an environment variable name"),
    ({'PATH': '/bin'}, 'PATH is reserved'),
    (['X=1'], 'must be a mapping of NAME: value, got list'),
])
def test_variables_conda_cannot_store_as_declared_are_refused_naming_them(variables, message):
    with pytest.raises(EnvSpecError, match=message.replace('(', r'\(')):
        declared_variables(variables)


@pytest.mark.parametrize('spec, message', [
    ({'dependencies': ['python'], 'foo': 'bar'}, 'keys this module does not know: foo'),
    ({'dependencies': [{'pip': ['a'], 'other': 1}]}, 'is not a match spec string'),
    ({'dependencies': [{'pip': [1.5]}]}, 'pip requirement 1.5 is not a string'),
    ({'dependencies': [{'pip': 'requests'}]}, 'the pip list must be a list, got str'),
    ({'dependencies': 'numpy'}, 'dependencies must be a list, got str'),
    ({'channels': [1]}, 'channels must be strings'),
])
def test_structures_that_cannot_be_applied_exactly_are_refused(spec, message):
    with pytest.raises(EnvSpecError, match=message):
        declared_env(spec)
