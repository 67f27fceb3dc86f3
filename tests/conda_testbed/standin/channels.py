"""Channels: canonical URLs and names, credential masking, local repodata, Anaconda's ToS gate."""
from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import errors

KNOWN_SUBDIRS = ('noarch', 'linux-64', 'linux-aarch64', 'osx-64', 'osx-arm64', 'win-64')
TOS_HOST = 'repo.anaconda.com'
TOKEN_RE = re.compile(r'/t/[^/]+')
USERINFO_RE = re.compile(r'^([a-z][a-z0-9+.-]*://)[^/@]*@', re.I)


def native_subdir() -> str:
    if os.environ.get('CONDA_SUBDIR'):
        return os.environ['CONDA_SUBDIR']
    system = {'Darwin': 'osx', 'Linux': 'linux'}.get(platform.system(), 'linux')
    machine = {'x86_64': '64', 'AMD64': '64', 'arm64': 'arm64', 'aarch64': 'aarch64'}.get(
        platform.machine(), '64')
    if system == 'linux' and machine == 'arm64':
        machine = 'aarch64'
    return f'{system}-{machine}'


def mask(url: str) -> str:
    """A URL with user:password@ and /t/<token> removed, as conda prints channels."""
    return TOKEN_RE.sub('', USERINFO_RE.sub(r'\1', url))


class Channel:
    """One channel: the URL used to read it and the masked URL and name conda shows."""

    def __init__(self, spec: str, alias: str):
        text = spec.strip().rstrip('/')
        if re.match(r'^[a-z][a-z0-9+.-]*://', text, re.I):
            url = text
        elif text.startswith(('/', './', '../', '~')):
            url = 'file://' + os.path.abspath(os.path.expanduser(text))
        else:
            url = f'{alias}/{text}'
        last = url.rsplit('/', 1)[-1]
        if last in KNOWN_SUBDIRS:
            url = url.rsplit('/', 1)[0]
        self.url = url
        self.base_url = mask(url)
        if self.base_url.startswith(mask(alias) + '/'):
            self.name = self.base_url[len(mask(alias)) + 1:]
        elif urlsplit(self.base_url).hostname == TOS_HOST:
            self.name = urlsplit(self.base_url).path.strip('/')
        else:
            self.name = self.base_url.rsplit('/', 1)[-1]

    @property
    def is_local(self) -> bool:
        return self.url.startswith('file://')

    def path(self) -> Path:
        return Path(unquote(urlsplit(self.url).path))

    def subdir_urls(self, subdir: str) -> list[str]:
        return [f'{self.base_url}/{subdir}', f'{self.base_url}/noarch']

    def needs_tos(self) -> bool:
        return TOS_HOST in (urlsplit(self.url).hostname or '')


def resolve(names: list[str], alias: str) -> list[Channel]:
    return [Channel(name, alias) for name in names]


# -- repodata of local channels ----------------------------------------------------------------
def repodata_path(channel: Channel, subdir: str) -> Path:
    return channel.path() / subdir / 'repodata.json'


def check_available(channel: Channel, subdir: str) -> None:
    """Raise what conda raises for a channel the stand-in cannot read.

    A remote one: the host cannot be reached (no network here), conda's CondaHTTPError with HTTP 000
    for the platform subdir's repodata (recording 118; real conda 26.7 says the same for a refused
    connection). A local one without ``noarch/repodata.json``: UnavailableInvalidChannel.
    """
    if not channel.is_local:
        # the URL conda fetched, token included (real conda 26.7 prints it so; the modules mask it)
        url = f'{channel.url}/{subdir}/current_repodata.json'
        host = urlsplit(url).hostname
        raise errors.CondaHTTPError(url, f"ConnectionError(MaxRetryError(\"Max retries exceeded with url: "
                                         f"{urlsplit(url).path} (Caused by NewConnectionError('Failed to establish "
                                         f"a new connection to {host}'))\"))")
    noarch = repodata_path(channel, 'noarch')
    if not noarch.is_file():
        raise errors.UnavailableInvalidChannel(channel.name, channel.base_url, str(noarch))


def load_repodata(channel: Channel, subdir: str) -> dict:
    path = repodata_path(channel, subdir)
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def raw_entries(channel: Channel, subdir: str) -> dict[str, dict]:
    """Filename -> repodata entry, for both package formats."""
    data = load_repodata(channel, subdir)
    entries = dict(data.get('packages', {}))
    entries.update(data.get('packages.conda', {}))
    return entries


# -- Anaconda terms of service (conda-anaconda-tos plugin) -------------------------------------
def _tos_dirs(root: Path, home: Path) -> list[Path]:
    return [root / 'conda-meta' / 'tos', home / '.conda' / 'tos']


def _tos_key(channel: Channel) -> str:
    return hashlib.sha256(channel.base_url.encode()).hexdigest()


def tos_accepted(channel: Channel, root: Path, home: Path) -> bool:
    return any((d / f'{_tos_key(channel)}.json').is_file() for d in _tos_dirs(root, home))


def accept_tos(channel: Channel, root: Path) -> Path:
    target = _tos_dirs(root, Path.home())[0] / f'{_tos_key(channel)}.json'
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({'base_url': channel.base_url, 'tos_accepted': True,
                                  'acceptance_timestamp': time.time()}))
    return target


def check_tos(channels: list[Channel], root: Path, home: Path) -> None:
    """Refuse like the plugin does: non-interactive runs need prior acceptance."""
    auto = os.environ.get('CONDA_PLUGINS_AUTO_ACCEPT_TOS', '').lower() in ('1', 'true', 'yes')
    pending = [c for c in channels if c.needs_tos() and not tos_accepted(c, root, home)]
    if pending and not auto:
        # The stand-in never prompts, so every run behaves like conda's non-interactive one
        # (--json, -y, no terminal). Unlike the plugin it ignores CI=true, to stay deterministic.
        raise errors.CondaToSNonInteractiveError([c.base_url for c in pending])
