"""Dispatch one invocation and turn conda exceptions into conda's output and exit codes."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from . import errors
from .config import CONDA_VERSION, Context
from .wrapper import ROOT_ENV

TRACEBACK_HINT = '''Traceback (most recent call last):
  File "conda/models/match_spec.py", line 168, in __call__
{kind_line}

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "conda/exception_handler.py", line 30, in __call__
conda.exceptions.InvalidMatchSpec: Invalid spec '{spec}': {reason}

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "conda/exceptions.py", line 1837, in print_conda_exception
    exc_json = json.dumps(_json_error_map(exc_val), sort_keys=True)
TypeError: Object of type {kind} is not JSON serializable
'''


def _log_call(argv: list[str]) -> None:
    try:
        from conda_testbed import calllog
    except ImportError:  # the stand-in also runs without the rest of the test bed
        return
    calllog.record(argv)


def _dispatch(ctx: Context, args, argv: list[str]) -> int:
    command = args.command
    if command in ('info', 'list', 'export') or (command == 'env' and args.env_command in ('list', 'export')):
        from . import queries

        if command == 'info':
            return queries.info(ctx, args)
        if command == 'list':
            return queries.listing(ctx, args)
        if command == 'export':
            return queries.export(ctx, args, env_style=False)
        if args.env_command == 'list':
            return queries.env_list(ctx, args)
        return queries.export(ctx, args, env_style=True)
    if command == 'env' and args.env_command == 'config':
        from . import env_vars

        if getattr(args, 'vars_command', None) is None:
            sys.stderr.write('usage: conda env config vars [-h] {list,set,unset} ...\n')
            return 2
        return env_vars.run(ctx, args)
    if command == 'tos':
        from . import tos

        return tos.run(ctx, args)
    if command == 'config':
        from . import explicit

        return explicit.config(ctx, args)
    from .transact import Transaction

    run = Transaction(ctx, args, argv)
    if command in ('create', 'install', 'remove', 'uninstall') and (
            getattr(args, 'files', None) or getattr(args, 'force', False)):
        from . import explicit

        if command in ('remove', 'uninstall'):
            return explicit.remove_force(run)
        lines = explicit.lock_lines(args.files)
        if lines is not None:
            return explicit.apply(run, lines, creating=command == 'create')
        raise errors.CondaValueError('the stand-in reads only @EXPLICIT files with --file')
    if command == 'env':
        return {'create': run.env_create, 'update': run.env_update,
                'remove': run.env_remove}[args.env_command]()
    if command in ('remove', 'uninstall'):
        return run.remove()
    if command in ('update', 'upgrade'):
        return run.update()
    if command == 'create':
        return run.create()
    return run.install()


def main(argv: list[str]) -> int:
    from .cli import parse  # argparse is not needed by the `--version` fast path

    _log_call(argv)
    args = parse(argv)
    if args.version:
        sys.stdout.write(f'conda {CONDA_VERSION}\n')
        return 0
    if not args.command:
        sys.stderr.write('usage: conda [-h] [-V] command ...\n')
        return 2
    as_json = bool(getattr(args, 'json', False))
    try:
        return _dispatch(Context(), args, argv)
    except errors.CondaError as exc:
        return exc.report(as_json)
    except errors.CondaExit as exc:
        return exc.report()
    except errors.UnexpectedError as exc:
        from .queries import info_document

        # conda's report carries `conda info`, with an empty `envs` (recordings 72, 73, 125); a
        # broken .condarc breaks that part too, and the report goes without it.
        try:
            ctx = Context()
            conda_info = info_document(ctx, [])
        except errors.UnexpectedError:
            ctx, conda_info = Context.__new__(Context), None
            ctx.root = Path(os.environ[ROOT_ENV])
        command = ' '.join([str(ctx.root / 'bin' / 'conda')] + argv)
        return exc.report(as_json, command, conda_info)
    except errors.InvalidSpec as exc:
        # conda fails while serialising this exception: no JSON at all, a traceback instead.
        if as_json:
            kind_line = f'conda.exceptions.{exc.kind}: {exc.inner}'
            sys.stderr.write(TRACEBACK_HINT.format(kind_line=kind_line, spec=exc.spec,
                                                   reason=exc.inner if exc.kind != 'InvalidMatchSpec'
                                                   else exc.reason, kind=exc.kind))
        else:
            sys.stderr.write(f'\nInvalidMatchSpec: {exc}\n\n')
        return 1
