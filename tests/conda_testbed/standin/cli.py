"""Command line of the subset of conda the collection uses."""
from __future__ import annotations

import argparse


def _target(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument('-n', '--name')
    group.add_argument('-p', '--prefix')


def _output(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--json', action='store_true')
    parser.add_argument('-q', '--quiet', action='store_true')
    parser.add_argument('-v', '--verbose', action='count', default=0)


def _channels(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('-c', '--channel', action='append', dest='channels')
    parser.add_argument('--override-channels', action='store_true')


def _transaction(parser: argparse.ArgumentParser) -> None:
    _target(parser)
    _output(parser)
    parser.add_argument('-y', '--yes', action='store_true')
    parser.add_argument('-d', '--dry-run', action='store_true')


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog='conda')
    parser.add_argument('-V', '--version', action='store_true')
    sub = parser.add_subparsers(dest='command')

    info = sub.add_parser('info')
    _output(info)
    info.add_argument('-e', '--envs', action='store_true')
    info.add_argument('--base', action='store_true')

    listing = sub.add_parser('list')
    _target(listing)
    _output(listing)
    listing.add_argument('--explicit', action='store_true')
    listing.add_argument('--md5', action='store_true')
    listing.add_argument('-f', '--full-name', action='store_true')
    listing.add_argument('regex', nargs='?')

    for name in ('create', 'install', 'update', 'upgrade', 'remove', 'uninstall'):
        command = sub.add_parser(name)
        _transaction(command)
        _channels(command)
        command.add_argument('--all', action='store_true')
        command.add_argument('--freeze-installed', '--no-update-deps', action='store_true')
        command.add_argument('--update-specs', action='store_true')
        command.add_argument('--file', action='append', dest='files')
        command.add_argument('--force', action='store_true')
        command.add_argument('specs', nargs='*')

    export = sub.add_parser('export')
    _target(export)
    _output(export)
    export.add_argument('--format', default='environment-yaml')
    export.add_argument('--no-builds', action='store_true')
    export.add_argument('--from-history', action='store_true')
    export.add_argument('-f', '--file')

    config = sub.add_parser('config')
    _output(config)
    where = config.add_mutually_exclusive_group()
    where.add_argument('--env', action='store_true')
    where.add_argument('--file')
    config.add_argument('--set', nargs=2, metavar=('KEY', 'VALUE'))

    tos = sub.add_parser('tos')
    tos_sub = tos.add_subparsers(dest='tos_command')
    for name in ('accept', 'view', 'reject'):
        command = tos_sub.add_parser(name)
        _channels(command)
        _output(command)

    env = sub.add_parser('env')
    env_sub = env.add_subparsers(dest='env_command')
    env_list = env_sub.add_parser('list')
    _output(env_list)
    for name in ('create', 'update'):
        command = env_sub.add_parser(name)
        _transaction(command)
        _channels(command)
        command.add_argument('-f', '--file', default='environment.yml')
        command.add_argument('--prune', action='store_true')
    env_config = env_sub.add_parser('config')
    env_vars = env_config.add_subparsers(dest='config_command').add_parser('vars')
    vars_sub = env_vars.add_subparsers(dest='vars_command')
    vars_list = vars_sub.add_parser('list')
    _target(vars_list)
    vars_list.add_argument('--json', action='store_true')
    for name in ('set', 'unset'):
        command = vars_sub.add_parser(name)
        command.add_argument('vars', nargs='*')
        _target(command)
    env_remove = env_sub.add_parser('remove')
    _transaction(env_remove)
    env_export = env_sub.add_parser('export')
    _target(env_export)
    _output(env_export)
    _channels(env_export)
    env_export.add_argument('--no-builds', action='store_true')
    env_export.add_argument('--from-history', action='store_true')
    env_export.add_argument('-f', '--file')
    return parser


def parse(argv: list[str]) -> argparse.Namespace:
    return build_parser().parse_args(argv)
