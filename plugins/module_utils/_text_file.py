# -*- coding: utf-8 -*-
# Copyright: macfleet.conda contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put a text at a path on the managed host the way a careful ``copy`` does: only when it differs, atomically.

The new text goes to a temporary file beside the destination and is renamed over it, so a crash
or a failure leaves either the old file or the new one, never a truncated one.

Private to this collection (not a public API), as the leading underscore says.
"""
from __future__ import annotations

import os
import tempfile


class FileResult(object):
    """What ``put_text`` did: ``changed``, ``diffs`` (the text's, then mode/owner/group's) and ``backup_file``."""

    def __init__(self, changed, diffs, backup_file):
        self.changed = changed
        self.diffs = diffs
        self.backup_file = backup_file


def read_text(path):
    """The text at ``path``; None when there is no file."""
    try:
        with open(path, 'rb') as stream:
            return stream.read().decode('utf-8', 'replace')
    except (IOError, OSError):
        return None


def _write_atomically(module, dest, data):
    folder = os.path.dirname(dest) or '.'
    try:
        handle, temp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(dest), suffix='.tmp', dir=folder)
    except OSError as exc:
        module.fail_json(msg='Cannot write %s: %s; the file was left as it was.' % (dest, exc.strerror or exc),
                         dest=dest)
    try:
        try:
            with os.fdopen(handle, 'wb') as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
        except OSError as exc:  # ENOSPC, EDQUOT, EIO...: the old file has not been touched
            module.fail_json(msg='Cannot write %s (writing its temporary copy %s failed: %s); the file was left '
                                 'as it was. Free space on that file system or choose another dest.'
                                 % (dest, temp, exc.strerror or exc), dest=dest)
        module.atomic_move(temp, dest, unsafe_writes=module.params.get('unsafe_writes', False))
    finally:
        # atomic_move ends the module on failure; the temporary file must not outlive it
        if os.path.lexists(temp):
            os.unlink(temp)


def _not_a_folder(folder):
    """The nearest existing ancestor of ``folder`` (itself included) when it is not a folder, else None."""
    while folder and not os.path.lexists(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent
    return folder if folder and not os.path.isdir(folder) else None


def put_text(module, dest, text, backup=False):
    """Make ``dest`` hold ``text`` (UTF-8) with the task's mode/owner/group; nothing written in check mode."""
    if os.path.isdir(dest):
        module.fail_json(msg='dest %s is a directory; give the path of the file to write.' % dest, dest=dest)
    folder = os.path.dirname(dest) or '.'
    if not os.path.isdir(folder):
        blocker = _not_a_folder(folder)
        if blocker:
            module.fail_json(msg='Cannot write %s: %s is a file, not a folder; choose a dest in a folder, or move '
                                 'that file away; nothing was written.' % (dest, blocker), dest=dest)
        module.fail_json(msg='The folder of dest (%s) does not exist; create it first (ansible.builtin.file '
                             'state=directory).' % folder, dest=dest)
    before = read_text(dest)
    text_diff = {'before_header': dest, 'after_header': dest, 'before': before or '', 'after': text}
    changed = before != text
    backup_file = None
    if changed and not module.check_mode:
        if backup and before is not None:
            backup_file = module.backup_local(dest)
        _write_atomically(module, dest, text.encode('utf-8'))
    file_args = module.load_file_common_arguments(module.params, path=dest)
    if before is None and module.check_mode:
        # nothing exists yet to compare mode/owner/group with; the real run sets them
        return FileResult(True, [text_diff], None)
    attributes_diff = {'before': {}, 'after': {}, 'before_header': dest, 'after_header': dest}
    changed = module.set_fs_attributes_if_different(file_args, changed, diff=attributes_diff)
    diffs = [text_diff] + ([attributes_diff] if attributes_diff['before'] or attributes_diff['after'] else [])
    return FileResult(changed, diffs, backup_file)
