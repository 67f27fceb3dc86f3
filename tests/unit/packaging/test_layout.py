"""The layout the tree promises: module_utils the ground floor, private, and nothing imported upward."""
from __future__ import annotations

import ast
import pathlib

import pytest

PLUGINS = pathlib.Path(__file__).resolve().parents[3] / 'plugins'
COLLECTION = 'ansible_collections.macfleet.conda.plugins.'
# What each floor may import from the collection (a floor may always use those below it).
ALLOWED = {
    'module_utils': ('module_utils',),
    'plugin_utils': ('module_utils',),
    'modules': ('module_utils',),
    'action': ('module_utils', 'plugin_utils'),
    'filter': ('module_utils', 'plugin_utils'),
}


def _collection_imports(path: pathlib.Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(COLLECTION):
            yield node.module[len(COLLECTION):].split('.')[0]


@pytest.mark.parametrize('path', sorted(PLUGINS.glob('*/*.py')), ids=lambda p: '%s/%s' % (p.parent.name, p.name))
def test_no_import_reaches_up(path):
    floor = path.parent.name
    if floor == 'doc_fragments':
        assert not list(_collection_imports(path))
        return
    assert set(_collection_imports(path)) <= set(ALLOWED[floor]), path


def test_shared_code_is_private():
    shared = sorted(path.name for floor in ('module_utils', 'plugin_utils')
                    for path in (PLUGINS / floor).glob('*.py') if path.name != '__init__.py')
    assert shared and all(name.startswith('_') for name in shared), shared
