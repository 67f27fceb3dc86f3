"""Where things live for one stand-in run: root, envs dirs, package caches, channels.

Follows conda's own rules closely enough for the collection: the same `.condarc` search path,
the same environment variables, and the same defaults (`<root>/envs`, then `~/.conda/envs`).
"""
from __future__ import annotations

import os
from pathlib import Path

from . import errors
from .wrapper import ROOT_ENV

CONDA_VERSION = '26.7.2'
DEFAULT_CHANNELS = ('https://repo.anaconda.com/pkgs/main', 'https://repo.anaconda.com/pkgs/r')
DEFAULT_CHANNEL_ALIAS = 'https://conda.anaconda.org'
LIST_KEYS = ('channels', 'envs_dirs', 'pkgs_dirs', 'default_channels')


def _home() -> Path:
    return Path(os.path.expanduser('~'))


def _load_yaml(path: Path) -> dict:
    import yaml  # only paid for when a condarc exists

    try:
        data = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


class Context:
    """Configuration of one invocation, read once from condarc files and the environment."""

    def __init__(self, root: Path | None = None):
        root_text = os.environ.get(ROOT_ENV)
        if root is None and not root_text:
            raise SystemExit(f'{ROOT_ENV} is not set: run the stand-in through its bin/conda launcher')
        self.root = Path(root or root_text).resolve()
        self.home = _home()
        self.config_files = self._search_path()
        self.settings = self._merge([_load_yaml(p) for p in self.config_files])

    def _search_path(self) -> list[Path]:
        candidates = [
            self.root / '.condarc',
            self.root / 'condarc',
            self.home / '.config' / 'conda' / '.condarc',
            self.home / '.condarc',
        ]
        if os.environ.get('CONDARC'):
            candidates.append(Path(os.environ['CONDARC']))
        seen, found = set(), []
        for path in candidates:
            if path.is_file() and path not in seen:
                seen.add(path)
                found.append(path)
        return found

    @staticmethod
    def _merge(sources: list[dict]) -> dict:
        # Later files win for scalars; lists are merged with the later file's entries first.
        merged: dict = {}
        for data in sources:
            for key, value in data.items():
                if key in LIST_KEYS and isinstance(value, list):
                    earlier = merged.get(key, [])
                    merged[key] = list(dict.fromkeys([str(v) for v in value] + earlier))
                else:
                    merged[key] = value
        return merged

    # -- locations -------------------------------------------------------------------------
    @property
    def envs_dirs(self) -> list[Path]:
        from_env = [p for p in os.environ.get('CONDA_ENVS_PATH', '').split(os.pathsep) if p]
        configured = from_env + list(self.settings.get('envs_dirs', []))
        return [Path(os.path.expanduser(p)) for p in configured] + [
            self.root / 'envs', self.home / '.conda' / 'envs']

    @property
    def pkgs_dirs(self) -> list[Path]:
        from_env = [p for p in os.environ.get('CONDA_PKGS_DIRS', '').split(',') if p]
        configured = from_env or list(self.settings.get('pkgs_dirs', []))
        if not configured:
            configured = [str(self.root / 'pkgs'), str(self.home / '.conda' / 'pkgs')]
        return [Path(os.path.expanduser(p)) for p in configured]

    def writable_pkgs_dir(self) -> Path:
        for path in self.pkgs_dirs:
            probe = path if path.exists() else path.parent
            if os.access(probe, os.W_OK):
                return path
        return self.pkgs_dirs[0]

    @property
    def channel_alias(self) -> str:
        return str(self.settings.get('channel_alias', DEFAULT_CHANNEL_ALIAS)).rstrip('/')

    @property
    def default_channels(self) -> list[str]:
        return list(self.settings.get('default_channels', DEFAULT_CHANNELS))

    @property
    def channel_priority(self) -> str:
        return str(self.settings.get('channel_priority', 'flexible'))

    def configured_channels(self) -> list[str]:
        return list(self.settings.get('channels', ['defaults']))

    def channels_for(self, cli_channels: list[str] | None, override: bool,
                     file_channels: list[str] | None = None) -> list[str]:
        """Channel names in priority order, `defaults` expanded, like conda's context.channels."""
        if override and not cli_channels:
            raise errors.ArgumentError(
                'At least one -c / --channel flag must be supplied when using --override-channels.')
        names = list(cli_channels or []) + list(file_channels or [])
        if not override:
            names += self.configured_channels()
        expanded: list[str] = []
        for name in names:
            expanded += self.default_channels if name == 'defaults' else [name]
        return list(dict.fromkeys(expanded))

    # -- environments ----------------------------------------------------------------------
    def prefix_for_name(self, name: str) -> Path:
        """Prefix of the env called ``name``: an existing one, else where `create` would put it."""
        if name in ('base', 'root'):
            return self.root
        for envs_dir in self.envs_dirs:
            if (envs_dir / name / 'conda-meta').is_dir():
                return envs_dir / name
        for envs_dir in self.envs_dirs:
            probe = envs_dir if envs_dir.exists() else envs_dir.parent
            if os.access(probe, os.W_OK):
                return envs_dir / name
        return self.envs_dirs[0] / name

    def target_prefix(self, name: str | None, prefix: str | None) -> Path:
        if prefix:
            return Path(os.path.abspath(os.path.expanduser(prefix)))
        if name:
            if os.sep in name:
                return Path(os.path.abspath(os.path.expanduser(name)))
            return self.prefix_for_name(name)
        active = os.environ.get('CONDA_PREFIX')
        return Path(active) if active else self.root

    def env_name(self, prefix: Path) -> str:
        if prefix == self.root:
            return 'base'
        if prefix.parent in self.envs_dirs:
            return prefix.name
        return ''
