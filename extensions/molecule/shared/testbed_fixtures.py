"""Fixtures for the molecule scenarios: the test bed's channel and installers, served on 127.0.0.1.

``testbed_fixtures.py start DIR VERSION:OS:ARCH[:broken] ...`` builds the local channel and one
Miniconda-style installer per argument into ``DIR/www``, starts ``python -m conda_testbed.serve`` on
it in the background with ``DIR/server.pid``, and writes ``DIR/fixtures.json``: the base URL, the
channel URL and each installer's sha256 by file name (what the scenarios feed the role).
``testbed_fixtures.py stop DIR`` stops that server. Test support only; never shipped.
"""
from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import time

COLLECTION = pathlib.Path(__file__).resolve().parents[3]
TESTS = COLLECTION / 'tests'
sys.path.insert(0, str(TESTS))

# pylint: disable=wrong-import-position
from conda_testbed.channel import cached_channel, channel_url  # noqa: E402
from conda_testbed.installer import build_installer  # noqa: E402

STARTUP_SECONDS = 20


def build(workdir: pathlib.Path, specs: list) -> dict:
    """Build the channel (cached beside the scenarios' work dirs) and the installers asked for."""
    channel = cached_channel(workdir.parent / 'macfleet-testbed-cache')
    installers = {}
    for spec in specs:
        version, os_name, arch, *flags = spec.split(':')
        path, sha256 = build_installer(workdir / 'www', version=version, os_name=os_name, arch=arch,
                                       channel=channel, broken='broken' in flags)
        installers[path.name] = sha256
    return {'channel_url': channel_url(channel), 'installers': installers}


def start_server(workdir: pathlib.Path) -> str:
    """Serve ``workdir/www`` from a detached process; return its base URL once it listens."""
    log = workdir / 'server.out'
    pidfile = workdir / 'server.pid'
    env = dict(os.environ, PYTHONPATH=str(TESTS))
    with open(log, 'w', encoding='utf-8') as out:
        subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, '-m', 'conda_testbed.serve', str(workdir / 'www'), '--pidfile', str(pidfile)],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        text = log.read_text(encoding='utf-8').strip()
        if text.startswith('http://') and pidfile.exists():
            return text.splitlines()[0]
        time.sleep(0.1)
    raise SystemExit('the fixture server did not start: %s' % log.read_text(encoding='utf-8'))


def stop_server(workdir: pathlib.Path) -> bool:
    """Stop the server named by ``workdir/server.pid``; True if one was running."""
    pidfile = workdir / 'server.pid'
    if not pidfile.exists():
        return False
    pid = int(pidfile.read_text().strip())
    pidfile.unlink()
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    return True


def main(argv: list) -> None:
    command, workdir, specs = argv[0], pathlib.Path(argv[1]), argv[2:]
    workdir.mkdir(parents=True, exist_ok=True)
    if command == 'stop':
        print(json.dumps({'changed': stop_server(workdir)}))
        return
    stop_server(workdir)
    fixtures = build(workdir, specs)
    fixtures['base_url'] = start_server(workdir)
    fixtures['workdir'] = str(workdir)
    (workdir / 'fixtures.json').write_text(json.dumps(fixtures, indent=2))
    print(json.dumps(fixtures))


if __name__ == '__main__':
    main(sys.argv[1:])
