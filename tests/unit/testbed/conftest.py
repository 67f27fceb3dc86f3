"""Fixture of the test-bed unit tests: a py-rattler solve that cannot crash pytest's exit.

These tests keep only what guards the contract with real conda and Miniconda: the channel holds the
recorded builds and solves as the recordings did, the installer behaves as Miniconda's batch mode, and
the real-conda switch's wrapper still lets the modules find the root without running conda. How the
test bed is built (caching, its HTTP server, the call log) is checked by every test that uses it.
"""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys
from typing import List, Union

import pytest

from conda_testbed.channel import channel_url

# py-rattler 0.28 can crash the interpreter at exit after an async call: solve in a child
# that leaves through os._exit, so pytest's own exit status stays trustworthy.
SOLVE_SCRIPT = '''
import asyncio, json, os, sys
import rattler
url, platform, cache = sys.argv[1:4]
specs = sys.argv[4:]
async def solve():
    gateway = rattler.Gateway(cache_dir=cache)
    return await rattler.solve([url], specs, gateway=gateway, platforms=[platform, 'noarch'])
try:
    records = asyncio.run(solve())
    print(json.dumps(sorted(f'{r.name.normalized}-{r.version}-{r.build}' for r in records)))
    code = 0
except Exception as error:
    print(json.dumps({'error': str(error)}))
    code = 3
sys.stdout.flush()
os._exit(code)
'''


@pytest.fixture
def rattler_solve(tmp_path: pathlib.Path):
    """``solve(channel_dir, platform, *specs)`` -> sorted dist names, solved by py-rattler.

    With ``expect_failure=True`` the solve must fail and its error message is returned.
    """
    def solve(channel_dir: pathlib.Path, platform: str, *specs: str,
              expect_failure: bool = False) -> Union[List[str], str]:
        command = [sys.executable, '-c', SOLVE_SCRIPT, channel_url(channel_dir), platform,
                   str(tmp_path / 'rattler-cache'), *specs]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == (3 if expect_failure else 0), result.stdout + result.stderr
        answer = json.loads(result.stdout)
        return answer['error'] if expect_failure else answer
    return solve
