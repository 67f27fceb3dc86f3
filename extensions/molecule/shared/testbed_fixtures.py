"""Fixtures for the molecule scenarios: the test bed's channel and installers, served on 127.0.0.1.

``testbed_fixtures.py start DIR VERSION:OS:ARCH[:broken] ...`` builds the local channel and one
Miniconda-style installer per argument into ``DIR/www``, starts ``python -m conda_testbed.serve`` on
it in the background with ``DIR/server.pid``, and writes ``DIR/fixtures.json``: the base URL, the
channel URL and each installer's sha256 by file name (what the scenarios feed the role).
``testbed_fixtures.py stop DIR`` stops that server.
``testbed_fixtures.py stage LIB`` copies ``conda_testbed`` and the installed distributions it imports
(py-rattler, PyYAML, ...) into ``LIB`` (0755 folders, world-readable files): a non-root owner must
reach what its stand-in conda runs, wherever the checkout and its venv live (a ``mktemp -d`` clone is
0700). With ``MACFLEET_TESTBED_LIB=LIB`` set, ``start`` then imports the test bed from ``LIB``, so
the installers' ``bin/conda`` and the server point there instead of the checkout.

A spec flagged ``switchable`` (``VERSION:OS:ARCH:switchable``) is replaced by the real installer
named by ``MACFLEET_MINICONDA_INSTALLER`` when that is set (see conda_testbed.session), and the
channel by ``MACFLEET_CONDA_CHANNEL`` (default: the test bed's channel). fixtures.json then says
``real: true``, the installer's version, and what the scenario feeds the role for a real conda.
Test support only; never shipped.
"""
from __future__ import annotations

import importlib.metadata
import json
import os
import pathlib
import shutil
import signal
import stat
import subprocess
import sys
import time

COLLECTION = pathlib.Path(__file__).resolve().parents[3]
TESTS = COLLECTION / 'tests'
LIB_ENV = 'MACFLEET_TESTBED_LIB'
# Where this process and the server import conda_testbed from: a staged copy, or the checkout.
IMPORT_ROOT = pathlib.Path(os.environ[LIB_ENV]) if os.environ.get(LIB_ENV) else TESTS
sys.path.insert(0, str(IMPORT_ROOT))

# pylint: disable=wrong-import-position
from conda_testbed.channel import cached_channel, channel_url  # noqa: E402
from conda_testbed.installer import build_installer, given_installer  # noqa: E402

# The switches of conda_testbed.session, read here without importing it (it sets up a collection path).
REAL_INSTALLER = os.environ.get('MACFLEET_MINICONDA_INSTALLER')
REAL_CHANNEL = os.environ.get('MACFLEET_CONDA_CHANNEL')

STARTUP_SECONDS = 20


# Imported by the stand-in only when needed (condarc, .conda files): staged too.
LAZY_IMPORTS = ('yaml', 'conda_package_handling.api', 'rattler.index')
PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted({m.split('.')[0] for m in list(sys.modules)})))
"""
PROBED = ('conda_testbed.standin.app', 'conda_testbed.standin.cli', 'conda_testbed.installer',
          'conda_testbed.channel', 'conda_testbed.serve') + LAZY_IMPORTS


def build(workdir: pathlib.Path, specs: list) -> dict:
    """Build the channel (cached beside the scenarios' work dirs) and the installers asked for."""
    channel = cached_channel(workdir.parent / 'macfleet-testbed-cache')
    installers = {}
    fixtures = {'real': False, 'version': None, 'accept_tos': True, 'condarc_extra': {}}
    for spec in specs:
        version, os_name, arch, *flags = spec.split(':')
        if REAL_INSTALLER and 'switchable' in flags:
            path, sha256, version = given_installer(workdir / 'www', pathlib.Path(REAL_INSTALLER))
            # The classic solver is in every conda (the one built from source has no libmamba);
            # the ToS plugin only in Anaconda's own builds: MACFLEET_CONDA_TOS=1 says it is there.
            fixtures.update(real=True, condarc_extra={'solver': 'classic'},
                            accept_tos=os.environ.get('MACFLEET_CONDA_TOS') == '1')
        else:
            path, sha256 = build_installer(workdir / 'www', version=version, os_name=os_name, arch=arch,
                                           channel=channel, broken='broken' in flags)
        fixtures['version'] = fixtures['version'] or version
        installers[path.name] = sha256
    url = REAL_CHANNEL if fixtures['real'] and REAL_CHANNEL else channel_url(channel)
    return dict(fixtures, channel_url=url, installers=installers)


def _readable_copy(src: str, dst: str) -> None:
    """Hard-link a file the owner may read (fast, no space); copy and open up any other."""
    if os.stat(src).st_mode & stat.S_IROTH:
        try:
            os.link(src, dst)
            return
        except OSError:
            pass
    shutil.copy2(src, dst)
    os.chmod(dst, os.stat(dst).st_mode | stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def stage(lib: pathlib.Path) -> list:
    """Copy conda_testbed and the distributions it imports into ``lib``; return what was staged."""
    if lib.exists():
        shutil.rmtree(lib)
    lib.mkdir(parents=True)
    shutil.copytree(TESTS / 'conda_testbed', lib / 'conda_testbed', copy_function=_readable_copy,
                    ignore=shutil.ignore_patterns('__pycache__'))
    probe = subprocess.run([sys.executable, '-c', PROBE, *PROBED], check=True, capture_output=True,
                           text=True, env=dict(os.environ, PYTHONPATH=str(TESTS)))
    top_levels = set(json.loads(probe.stdout)) - set(sys.stdlib_module_names) - {'conda_testbed', '_distutils_hack'}
    owners = importlib.metadata.packages_distributions()
    staged = set()
    for name in sorted(top_levels):
        for dist_name in owners.get(name, []):
            if dist_name in staged:
                continue
            dist = importlib.metadata.distribution(dist_name)
            for file in dist.files or []:
                src = pathlib.Path(dist.locate_file(file)).resolve()
                if '..' in file.parts or not src.is_file() or '__pycache__' in file.parts:
                    continue  # console scripts and byte code stay behind
                dst = lib / file
                dst.parent.mkdir(parents=True, exist_ok=True)
                if not dst.exists():
                    _readable_copy(str(src), str(dst))
            staged.add(dist_name)
    for folder, _dirs, _files in os.walk(lib):
        os.chmod(folder, 0o755)
    return sorted(staged)


def start_server(workdir: pathlib.Path) -> str:
    """Serve ``workdir/www`` from a detached process; return its base URL once it listens."""
    log = workdir / 'server.out'
    pidfile = workdir / 'server.pid'
    env = dict(os.environ, PYTHONPATH=str(IMPORT_ROOT))
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
    if command == 'stage':
        print(json.dumps({'changed': True, 'staged': stage(workdir)}))
        return
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
