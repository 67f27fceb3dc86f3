"""The recorded conda transcripts (tests/fixtures/conda-recordings), parsed, with their paths rewritten."""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from conda_testbed.session import RECORDINGS

CONTRACT_DIR = RECORDINGS
RECORDED_VERSION = '26.7.2.dev56+g0f64223fb'


@dataclass
class Recording:
    stem: str
    argv: list            # arguments after `conda`
    exit_code: int
    stdout: str
    stderr: str
    notes: str

    @property
    def number(self) -> int:
        return int(self.stem.split('_', 1)[0])


def parse(path: Path) -> Recording:
    text = path.read_text()
    head, _marker, rest = text.partition('\n----- stdout -----\n')
    stdout, _marker, stderr = rest.partition('----- stderr -----\n')
    command = head.splitlines()[0][2:]
    exit_code = int(re.search(r'^# exit code: (\d+)$', head, re.M).group(1))
    notes = ' '.join(re.findall(r'^# note: (.*)$', head, re.M))
    return Recording(path.stem, shlex.split(command)[1:], exit_code,
                     stdout[:-1] if stdout.endswith('\n') else stdout, stderr, notes)


def load_all() -> dict:
    # Only transcripts (the `$ conda ...` header); 90 is a plain text dump of `conda info`.
    return {p.stem: parse(p) for p in sorted(CONTRACT_DIR.glob('[0-9][0-9]_*.txt'))
            if p.read_text().startswith('$ conda ')}


class Rewriter:
    """Maps the recording machine's paths and URLs onto a test bed's, longest first."""

    def __init__(self, root: Path, channel_url: str, home: Path, missing_channel_url: str,
                 conda_version: str = '26.7.2'):
        self.pairs = sorted([
            ('file:///srv/no-such-channel', missing_channel_url),
            ('/srv/no-such-channel', missing_channel_url[len('file://'):]),
            ('file:///srv/conda-channel', channel_url),
            ('/opt/miniconda3', str(root)),
            ('/Users/builder', str(home)),
            (RECORDED_VERSION, conda_version),
        ], key=lambda pair: -len(pair[0]))

    def __call__(self, value):
        if isinstance(value, str):
            for old, new in self.pairs:
                value = value.replace(old, new)
            return value
        if isinstance(value, list):
            return [self(v) for v in value]
        if isinstance(value, dict):
            return {self(k): self(v) for k, v in value.items()}
        return value
