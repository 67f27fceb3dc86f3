"""Entry point: ``python -m conda_testbed.standin ARGS`` (normally through the bin/conda launcher)."""
from __future__ import annotations

import os
import sys

from .app import main

if __name__ == '__main__':
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # py-rattler 0.28 can crash while the interpreter finalizes after an async call: leave at once.
    os._exit(code)
