"""Entry point: ``python -m conda_testbed.standin ARGS`` (normally through the bin/conda launcher)."""
from __future__ import annotations

import os
import sys

if __name__ == '__main__':
    if sys.argv[1:] in (['--version'], ['-V']):
        # the cheapest answer for the most frequent probe: no argparse, no config
        from .app import _log_call
        from .config import CONDA_VERSION

        _log_call(sys.argv[1:])
        sys.stdout.write(f'conda {CONDA_VERSION}\n')
        code = 0
    else:
        from .app import main

        code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # py-rattler 0.28 can crash while the interpreter finalizes after an async call: leave at once.
    os._exit(code)
