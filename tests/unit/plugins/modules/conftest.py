"""Run the modules in-process against a fake conda that answers with real conda's recorded output.

A test builds a conda root in tmp_path (``bin/conda``, ``conda-meta``, envs holding copies of the
recorded ``conda-meta`` folders) and a script of the conda calls it expects, each answered by one
recording of tests/fixtures/conda-recordings. A call's argv must equal the expected argv word for
word, order included; an unexpected, different or missing call fails the test with both argvs shown.
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
from dataclasses import dataclass, field

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from conda_testbed.session import RECORDINGS

CONTRACT = RECORDINGS
RECORDED_ROOT = '/opt/miniconda3'
# AnsibleModule's own file helpers (preserved_copy for backups) run lsattr where it exists and
# ignore its failure; it is no conda call, so the fake answers it as a filesystem without attributes.
ANSIBLE_FILE_HELPERS = ('lsattr',)


def recording(stem: str, root: str = RECORDED_ROOT) -> tuple:
    """``(rc, stdout, stderr)`` of one recording, its paths moved from /opt/miniconda3 to ``root``."""
    text = (CONTRACT / (stem + '.txt')).read_text(encoding='utf-8')
    head, rest = text.split('----- stdout -----\n', 1)
    stdout, stderr = rest.split('----- stderr -----\n', 1)
    rc = int(head.split('# exit code: ', 1)[1].split('\n', 1)[0])
    return rc, stdout.replace(RECORDED_ROOT, root), stderr.replace(RECORDED_ROOT, root)


@dataclass
class FakeConda:
    root: pathlib.Path
    home: pathlib.Path
    script: list = field(default_factory=list)  # [(exact argv, (rc, stdout, stderr), effect)]
    calls: list = field(default_factory=list)  # every conda argv the module ran, in order
    problems: list = field(default_factory=list)  # kept: a module may catch the AssertionError raised

    @property
    def executable(self) -> str:
        return str(self.root / 'bin' / 'conda')

    def expect(self, argv, answer, effect=None) -> None:
        """The next conda call must be exactly ``argv``; it gets ``answer`` (a stem or a tuple).

        ``effect`` (a callable) runs first, standing for what conda does to the disk.
        """
        answer = self.recording(answer) if isinstance(answer, str) else answer
        self.script.append((list(argv), answer, effect))

    def recording(self, stem: str) -> tuple:
        """``(rc, stdout, stderr)`` of a recording with its paths moved into this fake root."""
        return recording(stem, str(self.root))

    def env(self, name: str, recorded: str | None = 'conda-meta_myenv_after_installs') -> pathlib.Path:
        """Make env ``name`` exist with a copy of a recorded conda-meta (or an empty one)."""
        return self.make_env(self.root / 'envs' / name, recorded)

    @staticmethod
    def make_env(prefix: pathlib.Path, recorded: str | None) -> pathlib.Path:
        meta = prefix / 'conda-meta'
        if recorded:
            shutil.copytree(CONTRACT / recorded, meta)
        else:
            meta.mkdir(parents=True)
            (meta / 'history').write_text('')
        return prefix

    def shown(self, argv) -> str:
        """An argv as one line, the fake root written ``{root}`` so two argvs compare by eye."""
        return ' '.join(word.replace(self.executable, '{conda}').replace(str(self.root), '{root}')
                        for word in argv)

    def fail(self, message: str):
        self.problems.append(message)
        raise AssertionError(message)

    def run_command(self, argv, check_rc=False, **_kwargs):
        argv = [str(word) for word in argv]
        if argv[0] != self.executable and os.path.basename(argv[0]) in ANSIBLE_FILE_HELPERS:
            return 1, '', '%s: Operation not supported' % argv[0]
        self.calls.append(argv)
        number = len(self.calls)
        if not self.script:
            self.fail('conda call %d was not expected:\n  got      %s' % (number, self.shown(argv)))
        expected, answer, effect = self.script.pop(0)
        if argv != expected:
            self.fail('conda call %d differs from the expected argv:\n  expected %s\n  got      %s\n  %s' % (
                number, self.shown(expected), self.shown(argv), first_difference(expected, argv)))
        if effect:
            try:
                effect()
            except AssertionError as exc:
                self.fail(str(exc))
        return answer

    def assert_all_done(self) -> None:
        """Fail on what went wrong during the run, then on expected conda calls never made."""
        if self.problems:
            raise AssertionError(self.problems[0])
        if self.script:
            raise AssertionError('conda calls expected but not made:\n' + '\n'.join(
                '  %s' % self.shown(argv) for argv, _answer, _effect in self.script))


def first_difference(expected: list, got: list) -> str:
    for index, (want, have) in enumerate(zip(expected, got)):
        if want != have:
            return 'word %d: expected %r, got %r' % (index, want, have)
    if len(expected) > len(got):
        return 'missing words at the end: %s' % expected[len(got):]
    return 'extra words at the end: %s' % got[len(expected):]


@pytest.fixture
def fake_conda(tmp_path, monkeypatch) -> FakeConda:
    root = tmp_path / 'miniconda3'
    (root / 'bin').mkdir(parents=True)
    (root / 'conda-meta').mkdir()
    (root / 'conda-meta' / 'history').write_text('')
    conda = root / 'bin' / 'conda'
    conda.write_text('#!/bin/sh\nexit 99\n')
    conda.chmod(0o755)
    home = tmp_path / 'home'
    home.mkdir()
    for variable in ('CONDA_EXE', 'CONDA_ENVS_PATH', 'CONDA_ENVS_DIRS', 'CONDARC', 'CONDA_PREFIX',
                     'XDG_CONFIG_HOME'):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv('HOME', str(home))
    fake = FakeConda(root, home)
    monkeypatch.setattr(basic.AnsibleModule, 'run_command',
                        lambda self, argv, **kwargs: fake.run_command(argv, **kwargs))
    return fake


@pytest.fixture
def run_module(fake_conda, capsys):
    """``run_module(module, args, check=False, diff=False) -> result dict`` with the fake conda."""

    def run(module, args, check=False, diff=False):
        args = dict(args, executable=fake_conda.executable, _ansible_check_mode=check, _ansible_diff=diff)
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                module.main()
        output = capsys.readouterr().out
        fake_conda.assert_all_done()
        return json.loads(output)

    return run
