"""A quiet HTTP server for a folder (installers, channels), bound to 127.0.0.1 only.

As a context manager: ``with serve_directory(path) as base_url: ...``.
As a command that serves until killed (demo, molecule):
``python -m conda_testbed.serve DIR [--port N] [--pidfile F]``; it prints the base URL.
"""
from __future__ import annotations

import argparse
import base64
import contextlib
import functools
import http.server
import os
import pathlib
import signal
import sys
import threading
from typing import Iterator, List, Optional, Tuple

LOOPBACK = '127.0.0.1'


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """A file handler that does not log each request to stderr."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib's name)
        """Drop the access log line."""


class BasicAuthHandler(QuietHandler):
    """A quiet file handler that answers 401 unless the request carries the expected basic credentials."""

    expected = ''

    def do_GET(self) -> None:  # noqa: N802 (stdlib's name)
        """Serve the file only to a request with the right ``Authorization: Basic`` header."""
        if self.headers.get('Authorization') != 'Basic ' + self.expected:
            self.send_response(401)
            self.send_header('WWW-Authenticate', 'Basic realm="testbed"')
            self.send_header('Content-Length', '0')
            self.end_headers()
            return
        super().do_GET()


def make_server(path: pathlib.Path, port: int = 0,
                credentials: Optional[Tuple[str, str]] = None) -> http.server.ThreadingHTTPServer:
    """A threading HTTP server for ``path`` on 127.0.0.1 (``port`` 0: an ephemeral port).

    With ``credentials`` (user, password) every request needs them as HTTP basic auth.
    """
    handler_class = QuietHandler
    if credentials:
        token = base64.b64encode(('%s:%s' % credentials).encode()).decode()
        handler_class = type('CredentialsHandler', (BasicAuthHandler,), {'expected': token})
    handler = functools.partial(handler_class, directory=str(path))
    return http.server.ThreadingHTTPServer((LOOPBACK, port), handler)


def base_url(server: http.server.ThreadingHTTPServer) -> str:
    """``http://127.0.0.1:<port>`` of a bound server."""
    return f'http://{LOOPBACK}:{server.server_address[1]}'


@contextlib.contextmanager
def serve_directory(path: pathlib.Path, credentials: Optional[Tuple[str, str]] = None) -> Iterator[str]:
    """Serve ``path`` from a background thread while the block runs; yield its base URL."""
    server = make_server(pathlib.Path(path), credentials=credentials)
    thread = threading.Thread(target=server.serve_forever, name='testbed-http', daemon=True)
    thread.start()
    try:
        yield base_url(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def main(argv: Optional[List[str]] = None) -> None:
    """Serve a folder on 127.0.0.1 until killed; print the base URL, keep a pidfile if asked."""
    parser = argparse.ArgumentParser(prog='python -m conda_testbed.serve',
                                     description='Serve a folder over HTTP on 127.0.0.1.')
    parser.add_argument('directory', type=pathlib.Path)
    parser.add_argument('--port', type=int, default=0, help='port (default: an ephemeral one)')
    parser.add_argument('--pidfile', type=pathlib.Path, help='write this process id here')
    args = parser.parse_args(argv)
    if not args.directory.is_dir():
        parser.error(f'not a directory: {args.directory}')
    server = make_server(args.directory, args.port)
    if args.pidfile:
        args.pidfile.write_text(f'{os.getpid()}\n')
    # SIGTERM (kill, molecule's cleanup) then unwinds like Ctrl-C, so the pidfile goes away.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(base_url(server), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if args.pidfile:
            args.pidfile.unlink()


if __name__ == '__main__':
    main()
