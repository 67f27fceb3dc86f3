"""read_env_vars: the env's config vars read from conda-meta/state as conda stores them (recordings 97-104)."""
from __future__ import annotations

import json

import pytest

from ansible_collections.macfleet.conda.plugins.module_utils._conda_prefix import (
    PrefixRecordError, read_env_vars)
from conda_testbed.session import RECORDINGS


def _recorded_state(stem):
    text = (RECORDINGS / (stem + '.txt')).read_text()
    return text.split('----- stdout -----\n', 1)[1].split('----- stderr -----', 1)[0]


def _env_with_state(tmp_path, text):
    (tmp_path / 'conda-meta').mkdir()
    (tmp_path / 'conda-meta' / 'history').write_text('')
    (tmp_path / 'conda-meta' / 'state').write_text(text)
    return str(tmp_path)


@pytest.mark.parametrize('stem, expected', [
    ('97_cat_state_after_vars_set', {'MACFLEET_X': '1', 'OTHER': 'two'}),
    ('100_cat_state_env_create_variables', {'MACFLEET_X': '1', 'MACFLEET_N': 42, 'OTHER': 'two'}),
    # conda keeps "***unset***" for an unset variable; vars list leaves it out (104)
    ('103_cat_state_after_vars_unset', {'OTHER': 'two'}),
])
def test_recorded_states_read_as_conda_lists_them(tmp_path, stem, expected):
    assert read_env_vars(_env_with_state(tmp_path, _recorded_state(stem))) == expected


def test_the_unset_variable_is_what_vars_list_omits():
    listed = json.loads((RECORDINGS / '104_env_config_vars_list_json_after_unset.json').read_text())
    assert 'MACFLEET_X' not in listed and listed['OTHER'] == 'two'


def test_no_state_file_means_no_variables(tmp_path):
    (tmp_path / 'conda-meta').mkdir()
    assert read_env_vars(str(tmp_path)) == {}


def test_a_state_without_env_vars_has_none(tmp_path):
    assert read_env_vars(_env_with_state(tmp_path, '{}')) == {}


def test_a_corrupt_state_is_an_error_naming_the_file(tmp_path):
    prefix = _env_with_state(tmp_path, '{"env_vars": ')
    with pytest.raises(PrefixRecordError, match='conda-meta/state is not valid JSON'):
        read_env_vars(prefix)
