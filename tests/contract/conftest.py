"""A conda root laid out like the recording machine's, with the stand-in as its conda."""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conda_testbed.standin.wrapper import install_wrapper
from recordings import CONTRACT_DIR, Rewriter

# The recording machine's /opt/miniconda3/.condarc (see 90_info_text_and_config_sources.txt).
CONDARC = '''auto_update_conda: False
envs_dirs:
  - {root}/envs
pkgs_dirs:
  - {root}/pkgs
channel_alias: file:///srv/conda-channels
channels:
  - {channel}
report_errors: False
'''
CLEARED_ENV = ('CONDARC', 'CONDA_PREFIX', 'CONDA_ENVS_PATH', 'CONDA_PKGS_DIRS', 'CONDA_SUBDIR',
               'CONDA_SHLVL', 'CONDA_PLUGINS_AUTO_ACCEPT_TOS')


@dataclass
class Bed:
    root: Path
    home: Path
    work: Path
    channel_url: str
    call_log: Path
    rewrite: Rewriter = field(repr=False, default=None)

    @property
    def conda(self) -> Path:
        return self.root / 'bin' / 'conda'

    def env(self) -> dict:
        # PIP_*: the recordings' pip was isolated from any pip configuration (README); a test that
        # runs pip passes the PIP_* it wants.
        env = {k: v for k, v in os.environ.items() if k not in CLEARED_ENV and not k.startswith('PIP_')}
        env.update(HOME=str(self.home), MACFLEET_CONDA_CALL_LOG=str(self.call_log))
        return env

    def run(self, argv, stdin=subprocess.DEVNULL, **extra_env):
        env = dict(self.env(), **extra_env)
        return subprocess.run([str(self.conda)] + list(argv), cwd=self.work, env=env, stdin=stdin,
                              capture_output=True, text=True, timeout=60, check=False)


def make_bed(base: Path, channel_dir: Path) -> Bed:
    """Root with base's conda-meta, the recording's condarc, HOME and a channel named `channel`."""
    root, home = base / 'miniconda3', base / 'home'
    work = home / 'project'  # the recordings' /Users/builder/project
    work.mkdir(parents=True)
    (root / 'conda-meta').mkdir(parents=True)
    (root / 'conda-meta' / 'history').write_text('')
    install_wrapper(root)
    channel = base / 'channel'   # the recordings show this folder name as the channel's name
    channel.symlink_to(channel_dir)
    channel_url = channel.as_uri()
    (root / '.condarc').write_text(CONDARC.format(root=root, channel=channel_url))
    for name in ('environment.yml', 'environment-updated.yml'):
        text = (CONTRACT_DIR / name).read_text().replace('file:///srv/conda-channel', channel_url)
        (work / name).write_text(text)
    bed = Bed(root, home, work, channel_url, base / 'calls.log')
    bed.rewrite = Rewriter(root, channel_url, home, (base / 'nochannel').as_uri())
    return bed


@pytest.fixture
def bed(tmp_path, testbed_channel) -> Bed:
    return make_bed(tmp_path, testbed_channel)


@pytest.fixture(scope='module')
def module_bed(tmp_path_factory, testbed_channel) -> Bed:
    return make_bed(tmp_path_factory.mktemp('contract'), testbed_channel)
