"""``conda env config vars list|set|unset`` and the ``conda-meta/state`` file they keep.

As conda/cli/main_env_vars.py and conda/core/prefix_data.py (``get/set/unset_environment_env_vars``):
a prefix that does not exist (``lexists``) is EnvironmentLocationNotFound; set splits each
``NAME=VALUE`` at its first ``=`` and strips both sides; unset leaves ``***unset***`` (a reserved
name is dropped instead); list leaves those out; the state is written as
``json.dumps(state, ensure_ascii=False)`` of conda.common.serialize.json, which indents by 2 and
ends without a newline (97, 100, 103); set and unset print nothing (recordings 95-104). ``PATH`` is
reserved: a warning on stderr, and it is set all the same.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from . import errors
from .config import Context

UNSET = '***unset***'
RESERVED = ('PATH',)


def state_file(prefix: Path) -> Path:
    return prefix / 'conda-meta' / 'state'


def read_state(prefix: Path) -> dict:
    path = state_file(prefix)
    if os.path.lexists(path):
        with open(path) as handle:
            return json.loads(handle.read())
    return {}


def write_state(prefix: Path, state: dict) -> None:
    # conda.common.serialize.json.dumps: indent 2 by default, no newline at the end (97, 100, 103)
    state_file(prefix).write_text(json.dumps(state, indent=2, ensure_ascii=False))


def get_vars(prefix: Path) -> dict:
    return {k: v for k, v in dict(read_state(prefix).get('env_vars', {})).items() if v != UNSET}


def set_vars(ctx: Context, prefix: Path, env_vars: dict) -> None:
    reserved = [name for name in RESERVED if name in env_vars]
    if reserved:
        names = ', '.join(reserved)
        sys.stderr.write(
            f'{ctx.root}/lib/python3.11/site-packages/conda/core/prefix_data.py:682: UserWarning: '
            f'WARNING: the given environment variable(s) are reserved and will be ignored: {names}. '
            'Setting these environment variables may produce unexpected results.\n\n'
            f"Remove the invalid configuration with `conda env config vars unset -p {prefix} "
            f"{' '.join(reserved)}`.\n  warnings.warn(\n")
    state = read_state(prefix)
    current = state.get('env_vars')
    if current:
        current.update(env_vars)
    else:
        state['env_vars'] = env_vars
    write_state(prefix, state)


def _prefix(ctx: Context, args) -> Path:
    prefix = ctx.target_prefix(args.name, args.prefix)
    if not os.path.lexists(prefix):
        raise errors.EnvironmentLocationNotFound(prefix)
    return prefix


def _reactivate_hint(prefix: Path) -> None:
    if str(prefix) == os.environ.get('CONDA_PREFIX'):
        sys.stdout.write('To make your changes take effect please reactivate your environment\n')


def run(ctx: Context, args) -> int:
    prefix = _prefix(ctx, args)
    if args.vars_command == 'list':
        env_vars = get_vars(prefix)
        if args.json:
            sys.stdout.write(json.dumps(env_vars, indent=2))   # no final newline (96, 104)
        else:
            for key, value in env_vars.items():
                sys.stdout.write(f'{key} = {value}\n')
        return 0
    if args.vars_command == 'set':
        wanted = {}
        for var in args.vars:
            name, *value = var.split('=')
            wanted[name.strip()] = '='.join(value).strip()
        set_vars(ctx, prefix, wanted)
    else:
        state = read_state(prefix)
        current = state.get('env_vars')
        if current:
            for name in (var.strip() for var in args.vars):
                if name in current:
                    if name in RESERVED:
                        current.pop(name)
                    else:
                        current[name] = UNSET
            write_state(prefix, state)
    _reactivate_hint(prefix)
    return 0
