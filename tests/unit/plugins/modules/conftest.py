"""Run the modules in-process against a fake conda that answers with real conda's recorded output.

A test builds a conda root in tmp_path (``bin/conda``, ``conda-meta``, envs holding copies of the
recorded ``conda-meta`` folders) and a script of the conda calls it expects, each answered by one
recording of tests/fixtures/conda-recordings. Any unexpected conda call fails the test.
"""
from __future__ import annotations

import json
import pathlib
import shutil
from dataclasses import dataclass, field

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args
from conda_testbed.session import RECORDINGS

CONTRACT = RECORDINGS
RECORDED_ROOT = '/opt/miniconda3'


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
    script: list = field(default_factory=list)  # [(words that must be in argv, (rc, stdout, stderr))]
    calls: list = field(default_factory=list)

    @property
    def executable(self) -> str:
        return str(self.root / 'bin' / 'conda')

    def expect(self, words, answer, effect=None) -> None:
        """The next conda call must contain all ``words``; it gets ``answer`` (a stem or a tuple).

        ``effect`` (a callable) runs first, standing for what conda does to the disk.
        """
        answer = recording(answer, str(self.root)) if isinstance(answer, str) else answer
        self.script.append((list(words), answer, effect))

    def env(self, name: str, recorded: str | None = 'conda-meta_myenv_after_installs') -> pathlib.Path:
        """Make env ``name`` exist with a copy of a recorded conda-meta (or an empty one)."""
        prefix = self.root / 'envs' / name
        meta = prefix / 'conda-meta'
        if recorded:
            shutil.copytree(CONTRACT / recorded, meta)
        else:
            meta.mkdir(parents=True)
            (meta / 'history').write_text('')
        return prefix

    def run_command(self, argv, check_rc=False, **_kwargs):
        self.calls.append(list(argv))
        assert self.script, 'unexpected conda call: %s' % argv
        words, answer, effect = self.script.pop(0)
        missing = [word for word in words if word not in argv]
        assert not missing, 'conda call %s lacks %s' % (argv, missing)
        if effect:
            effect()
        return answer


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
def recorded(fake_conda):
    """``recorded(stem) -> (rc, stdout, stderr)`` with paths moved into the fake root."""
    return lambda stem: recording(stem, str(fake_conda.root))


@pytest.fixture
def run_module(fake_conda, capsys):
    """``run_module(module, args, check=False, diff=False) -> result dict`` with the fake conda."""

    def run(module, args, check=False, diff=False):
        args = dict(args, executable=fake_conda.executable, _ansible_check_mode=check, _ansible_diff=diff)
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                module.main()
        result = json.loads(capsys.readouterr().out)
        assert not fake_conda.script, 'conda calls expected but not made: %s' % fake_conda.script
        return result

    return run
