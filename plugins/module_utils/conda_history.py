# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read ``conda-meta/history`` into the specs a user asked for, the way ``conda env export --from-history`` does.

Kept apart from the modules so it can move into ``conda_prefix`` (the prefix reader) unchanged:
it needs only the history text and the names of the installed packages.
"""
from __future__ import annotations

import ast
import os
import re

from ansible_collections.macfleet.conda.plugins.module_utils.conda_spec import SpecError, parse_spec

_HEADER = re.compile(r'==>\s*(.+?)\s*<==')
_COMMAND = re.compile(r'#\s*cmd:\s*(.+)')
_SPECS = re.compile(r'#\s*(\w+)\s*specs:\s*(.+)?')
# conda < 4.5 wrote "python>=3.5,jupyter >=1.0,<2.0": a piece starting with an operator continues the spec before it.
_VERSION_RELATION = re.compile(r'^(=|==|!=|<=|>=|<|>|~=)(?![=<>!~])(\S+)$')
_ADDING = ('update', 'install', 'create')
_REMOVING = ('remove', 'uninstall')


def read_history(prefix):
    """The text of ``prefix``'s ``conda-meta/history``, '' when there is none."""
    try:
        with open(os.path.join(prefix, 'conda-meta', 'history'), 'rb') as stream:
            return stream.read().decode('utf-8', 'replace')
    except OSError:
        return ''


def _old_format_specs(text):
    specs = []
    for piece in text.split(','):
        if specs and _VERSION_RELATION.match(piece):
            specs[-1] = specs[-1] + ',' + piece
        else:
            specs.append(piece)
    return specs


def _specs_of(text):
    text = (text or '').strip()
    if text.startswith('['):
        try:
            specs = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return []
        specs = [spec for spec in specs if isinstance(spec, str)]
    elif '[' in text:
        # conda itself gives up on these (a bracket spec in the old comma format is ambiguous)
        return []
    else:
        specs = _old_format_specs(text)
    return [spec.strip() for spec in specs if spec.strip() and not spec.strip().endswith('@')]


def user_requests(text):
    """The requests in a history text, oldest first: ``[{'add': [...], 'remove': [...], 'neutered': [...]}]``.

    Like conda, a block counts only when it records the command that made it (``# cmd:``).
    """
    blocks = []
    for line in text.splitlines():
        line = line.strip()
        if _HEADER.match(line):
            blocks.append({'cmd': False, 'add': [], 'remove': [], 'neutered': []})
        elif blocks and line.startswith('#'):
            if _COMMAND.match(line):
                blocks[-1]['cmd'] = True
            match = _SPECS.match(line)
            if match:
                action, specs = match.group(1), _specs_of(match.group(2))
                key = 'add' if action in _ADDING else 'remove' if action in _REMOVING else \
                    'neutered' if action == 'neutered' else None
                if key:
                    blocks[-1][key] = specs
    return [dict((key, block[key]) for key in ('add', 'remove', 'neutered')) for block in blocks if block['cmd']]


def _name(spec):
    try:
        return parse_spec(spec).name
    except SpecError:
        return None


def requested_specs(text, installed_names):
    """``{name: spec}`` the user asked for, in the order first asked, as conda's ``get_requested_specs_map``.

    The last request for a name wins, a removal forgets it, a neutered spec (conda relaxing a pin
    during ``update --all``) replaces it, and names no longer installed are dropped.
    Specs keep the text conda recorded.
    """
    specs = {}
    for request in user_requests(text):
        for spec in request['remove']:
            specs.pop(_name(spec), None)
        for key in ('add', 'neutered'):
            for spec in request[key]:
                name = _name(spec)
                if name and name != '*':
                    specs[name] = spec
    installed = set(installed_names)
    return dict((name, spec) for name, spec in specs.items() if name in installed)
