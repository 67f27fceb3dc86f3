"""Channel credentials never leave a module: masking of text, nested results and no_log values."""
from __future__ import annotations

import pytest

from ansible_collections.macfleet.conda.plugins.module_utils._conda_mask import MASK, mask, mask_text, secrets_in


@pytest.mark.parametrize('text, expected', [
    ('https://user:pa55@repo.example.com/conda', 'https://%s@repo.example.com/conda' % MASK),
    ('https://tok3n@repo.example.com/conda', 'https://%s@repo.example.com/conda' % MASK),
    ('https://conda.anaconda.org/t/ab-12cd/private/osx-arm64', 'https://conda.anaconda.org/t/%s/private/osx-arm64' % MASK),
    ('channel <https://u:p@h/c> unreachable, also https://h/t/xyz', 'channel <https://%s@h/c> unreachable, also https://h/t/%s' % (MASK, MASK)),
    ('file:///srv/conda-channel', 'file:///srv/conda-channel'),
    ('numpy>=1.20,<2', 'numpy>=1.20,<2'),
    ('user@example.com wrote', 'user@example.com wrote'),
])
def test_mask_text(text, expected):
    assert mask_text(text) == expected


def test_mask_nested_values_keeps_types():
    result = {'msg': 'https://u:p@h/c', 'actions': {'linked': [{'channel': 'https://h/t/tok/c', 'size': 3}]},
              'cmd': ('conda', '-c', 'https://u:p@h/c')}
    masked = mask(result)
    assert masked == {'msg': 'https://%s@h/c' % MASK, 'actions': {'linked': [{'channel': 'https://h/t/%s/c' % MASK,
                                                                              'size': 3}]},
                      'cmd': ('conda', '-c', 'https://%s@h/c' % MASK)}


def test_secrets_in_channels_are_password_and_token_not_user_name():
    found = secrets_in(['https://builder:pa55@h/c', 'https://h/t/tok-1/c', 'conda-forge', None])
    assert found == {'builder:pa55', 'pa55', 'tok-1'}
