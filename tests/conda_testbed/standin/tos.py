"""`conda tos accept|view|reject`: just enough for a role to accept Anaconda's terms."""
from __future__ import annotations

import json
import sys

from .channels import accept_tos, resolve, tos_accepted
from .config import Context


def run(ctx: Context, args) -> int:
    names = ctx.channels_for(args.channels, args.override_channels)
    channels = resolve(names, ctx.channel_alias)
    result = {}
    for channel in channels:
        if not channel.needs_tos():
            result[channel.base_url] = None
            if not args.json:
                sys.stdout.write(f'Terms of Service not found for {channel.base_url}\n')
            continue
        if args.tos_command == 'accept':
            accept_tos(channel, ctx.root)
            message = f'accepted Terms of Service for {channel.base_url}'
        elif args.tos_command == 'view':
            message = f'viewing Terms of Service for {channel.base_url}:\n(test bed stand-in terms)'
        else:
            return 1
        accepted = tos_accepted(channel, ctx.root, ctx.home)
        result[channel.base_url] = {'tos_accepted': accepted}
        if not args.json:
            sys.stdout.write(message + '\n')
    if args.json:
        sys.stdout.write(json.dumps(result, indent=2) + '\n')
    return 0
