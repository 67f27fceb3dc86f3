"""Count conda processes: one log line per invocation, written by the stand-in or a wrapper.

A converged run of the modules should spawn no conda transaction (ideally no conda at all);
tests and benchmarks prove it by reading this log. Line format: ``kind<TAB>arg<TAB>arg...``
where kind is ``read`` (no solve, no change), ``solve`` (a dry run) or ``change``.
"""
from __future__ import annotations

import os
import pathlib
import shlex
import sys
from typing import NamedTuple

LOG_ENV = 'MACFLEET_CONDA_CALL_LOG'
READ_ONLY = {'info', 'list', 'search', 'config', 'export'}


class Call(NamedTuple):
    kind: str
    argv: tuple


def classify(argv) -> str:
    """``read`` for commands that only read, ``solve`` for dry runs, ``change`` for the rest."""
    words = [arg for arg in argv if not arg.startswith('-')]
    if not words or words[0] in READ_ONLY or words[:1] == ['env'] and words[1:2] in (['list'], ['export']):
        return 'read'
    if words[:4] == ['env', 'config', 'vars', 'list']:
        return 'read'
    if '--dry-run' in argv or '-d' in argv:
        return 'solve'
    return 'change'


def record(argv) -> None:
    """Append one invocation to the log named by ``MACFLEET_CONDA_CALL_LOG``, if any."""
    path = os.environ.get(LOG_ENV)
    if path:
        with open(path, 'a', encoding='utf-8') as log:
            log.write('\t'.join([classify(argv)] + list(argv)) + '\n')


def read(path: pathlib.Path) -> list:
    """The logged calls, oldest first (an absent log means no call)."""
    if not path.exists():
        return []
    calls = []
    for line in path.read_text(encoding='utf-8').splitlines():
        kind, *argv = line.split('\t')
        calls.append(Call(kind, tuple(argv)))
    return calls


def logging_wrapper(target: pathlib.Path, path: pathlib.Path) -> pathlib.Path:
    """Write an executable at ``path`` that logs its argv, then runs ``target`` (a real conda)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ('#!/bin/sh\n'
            '%s -c "import sys; sys.path.insert(0, %r); from conda_testbed import calllog; '
            'calllog.record(sys.argv[1:])" "$@"\n'
            'exec %s "$@"\n' % (shlex.quote(sys.executable), str(pathlib.Path(__file__).parents[1]),
                                shlex.quote(str(target))))
    # Left as it is when already written: parallel workers share one wrapper in a real conda's root, and
    # the fault matrix's "host unchanged" snapshot of that root would see a rewrite as a change.
    try:
        if path.read_text() == text and os.access(path, os.X_OK):
            return path
    except OSError:
        pass
    # A rename keeps any reader from seeing half of it.
    partial = path.with_name('.%s.%d' % (path.name, os.getpid()))
    partial.write_text(text)
    partial.chmod(0o755)
    partial.replace(path)
    return path


def root_wrapper(real_conda: pathlib.Path) -> pathlib.Path:
    """A logging wrapper for ``real_conda`` inside that conda's own root, shared by every test.

    The modules find the root from their executable's path, as in production; a wrapper outside
    the root would make them ask ``conda info`` on every run. The log path comes from the
    environment, so one wrapper serves all tests and hosts.
    """
    root = pathlib.Path(real_conda).resolve().parents[1]
    return logging_wrapper(pathlib.Path(real_conda), root / 'condabin' / 'macfleet-logged-conda')
