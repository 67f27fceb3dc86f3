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
# conda/base/constants.py PREFIX_NAME_DISALLOWED_CHARS. conda prints the set itself, in the order
# of that process's string hashing; the stand-in prints one fixed order.
NAME_DISALLOWED_CHARACTERS = ('#', ':', '/', ' ')
NAME_DISALLOWED_MESSAGE = ('Environment names cannot contain any of these characters: {%s}'
                           % ', '.join(repr(c) for c in NAME_DISALLOWED_CHARACTERS))


def _home() -> Path:
    return Path(os.path.expanduser('~'))


def _load_yaml(path: Path) -> dict:
    """A `.condarc` as conda loads it: a YAML error is the parser's exception, uncaught (checked
    with conda 26.7.1: ruamel's ``ParserError`` from every command; PyYAML names its errors the
    same way). Kinder than conda: an unreadable file is skipped (conda fails with a permission
    error; the tests run as root, where every file is readable)."""
    import yaml  # only paid for when a condarc exists

    try:
        text = path.read_text()
    except OSError:
        return {}
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise errors.UnexpectedError(exc, 'conda/common/configuration.py, in load_file_configs') from exc
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
        self.wrong_types: dict = {}   # list key -> (value, source) of a value that is not a list
        self.settings = self._merge([(p, _load_yaml(p)) for p in self.config_files])

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

    def _merge(self, sources: list) -> dict:
        # Later files win for scalars; lists are merged with the later file's entries first.
        # Kinder than conda: keys conda does not know and wrong scalar types (`always_yes: maybe`)
        # are kept as given; conda 26.7.1 also accepts both silently for the commands we run.
        merged: dict = {}
        for source, data in sources:
            for key, value in data.items():
                if key in LIST_KEYS and isinstance(value, list):
                    earlier = merged.get(key, [])
                    merged[key] = list(dict.fromkeys([str(v) for v in value] + earlier))
                elif key in LIST_KEYS:
                    self.wrong_types.setdefault(key, (value, source))
                else:
                    merged[key] = value
        return merged

    def _list_setting(self, key: str, default=None) -> list:
        """A list parameter, refused as conda refuses it when a file gave it as a scalar."""
        if key in self.wrong_types:
            value, source = self.wrong_types[key]
            raise errors.InvalidTypeError('_' + key, value, source, type(value).__name__, 'tuple')
        return list(self.settings.get(key, default if default is not None else []))

    # -- locations -------------------------------------------------------------------------
    @property
    def envs_dirs(self) -> list[Path]:
        from_env = [p for p in os.environ.get('CONDA_ENVS_PATH', '').split(os.pathsep) if p]
        configured = from_env + self._list_setting('envs_dirs')
        return [Path(os.path.expanduser(p)) for p in configured] + [
            self.root / 'envs', self.home / '.conda' / 'envs']

    @property
    def pkgs_dirs(self) -> list[Path]:
        from_env = [p for p in os.environ.get('CONDA_PKGS_DIRS', '').split(',') if p]
        configured = from_env or self._list_setting('pkgs_dirs')
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
        return self._list_setting('default_channels', list(DEFAULT_CHANNELS))

    @property
    def channel_priority(self) -> str:
        return str(self.settings.get('channel_priority', 'flexible'))

    def configured_channels(self) -> list[str]:
        return self._list_setting('channels', ['defaults'])

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
        """Prefix of the env called ``name``: an existing one, else where `create` would put it
        (conda/core/prefix_data.py ``from_name``: a new name is validated, an existing one not)."""
        if name in ('base', 'root'):
            return self.root
        for envs_dir in self.envs_dirs:
            if (envs_dir / name / 'conda-meta').is_dir():
                return envs_dir / name
        if set(name) & set(NAME_DISALLOWED_CHARACTERS):
            raise errors.CondaValueError(NAME_DISALLOWED_MESSAGE)
        for envs_dir in self.envs_dirs:
            probe = envs_dir if envs_dir.exists() else envs_dir.parent
            if os.access(probe, os.W_OK):
                return envs_dir / name
        return self.envs_dirs[0] / name

    def target_prefix(self, name: str | None, prefix: str | None) -> Path:
        if prefix:
            return Path(os.path.abspath(os.path.expanduser(prefix)))
        if name:
            if '/' in name or '\\' in name:
                raise errors.CondaValueError('Environment names cannot contain path separators')
            return self.prefix_for_name(name)
        active = os.environ.get('CONDA_PREFIX')
        return Path(active) if active else self.root

    def env_name(self, prefix: Path) -> str:
        if prefix == self.root:
            return 'base'
        if prefix.parent in self.envs_dirs:
            return prefix.name
        return ''
