"""The shell header of the installer fixture, modelled on constructor's ``header.sh``.

Flags, messages and exit codes follow the real Miniconda installer: ``-b`` batch, ``-p PREFIX``,
``-u`` update, ``-f`` force, ``-h`` usage (exit 2), "File or directory already exists" (exit 1).
A gzip'ed tar of the prefix follows the header, from line ``@@LINES@@`` on.
"""
from __future__ import annotations

import shlex
from typing import List

LAUNCHER_END = 'MACFLEET_CONDA_LAUNCHER_END'

HEADER = r'''#!/bin/sh
#
# NAME:  @@NAME@@
# VER:   @@VERSION@@
# PLAT:  @@PLAT@@
# LINES: @@LINES@@
# Offline test-bed installer of macfleet.conda: it lays out a conda root whose conda is the
# test bed's stand-in. Not the real Miniconda.

if ! echo "$0" | grep '\.sh$' > /dev/null; then
    printf 'Please run using "bash" or "sh", but not "." or "source"\n' >&2
    return 1
fi

THIS_DIR=$(DIRNAME=$(dirname "$0"); cd "$DIRNAME"; pwd)
THIS_FILE=$(basename "$0")
THIS_PATH="$THIS_DIR/$THIS_FILE"
ARGS="$*"
PREFIX="${HOME:-/tmp}/miniconda3"
BATCH=0
FORCE=0
USAGE="
usage: $0 [options]

Installs @@NAME@@ @@VERSION@@

-b           run install in batch mode (without manual intervention),
             it is expected the license terms are agreed upon
-f           no error if install prefix already exists
-h           print this help message and exit
-p PREFIX    install prefix, defaults to $PREFIX, must not contain spaces.
-s           skip running pre/post-link/install scripts
-u           update an existing installation
-t           run package tests after installation (may install conda-build)
"

while getopts "bfhp:sut" x; do
    case "$x" in
        h)
            printf "%s\n" "$USAGE"
            exit 2
            ;;
        b)
            BATCH=1
            ;;
        f|u)
            FORCE=1
            ;;
        p)
            PREFIX="$OPTARG"
            ;;
        s|t)
            # Accepted like the real installer; this payload has no scripts and no tests.
            ;;
        ?)
            printf "ERROR: did not recognize option '%s', please try -h\n" "$x"
            exit 1
            ;;
    esac
done

if [ "$BATCH" = "0" ]; then
    printf "\nWelcome to @@NAME@@ @@VERSION@@\n\n"
    printf "Do you accept the license terms? [yes|no]\n[no] >>> "
    read -r ans || ans=""
    case "$ans" in
        yes|Yes|YES) ;;
        *)
            printf "The license agreement wasn't approved, aborting installation.\n"
            exit 2
            ;;
    esac
fi

case "$PREFIX" in
    *\ * )
        printf "ERROR: Cannot install into directories with spaces\n" >&2
        exit 1
        ;;
esac

if [ "$FORCE" = "0" ] && [ -e "$PREFIX" ]; then
    printf "ERROR: File or directory already exists: '%s'\n" "$PREFIX" >&2
    printf "If you want to update an existing installation, use the -u option.\n" >&2
    exit 1
fi

if ! mkdir -p "$PREFIX"; then
    printf "ERROR: Could not create directory: '%s'\n" "$PREFIX" >&2
    exit 1
fi

PREFIX=$(cd "$PREFIX"; pwd)
export PREFIX
printf "PREFIX=%s\n" "$PREFIX"

# An update replaces the base packages of another build: unlink their records and markers.
REMOVED=""
for name in @@BASE_NAMES@@; do
    for record in "$PREFIX"/conda-meta/"$name"-[0-9]*.json; do
        [ -e "$record" ] || continue
        dist=$(basename "$record" .json)
        case " @@BASE_DISTS@@ " in
            *" $dist "*) continue ;;
        esac
        subdir_url=$(sed -n 's|^  "channel": "\(.*\)",$|\1|p' "$record")
        REMOVED="$REMOVED-$subdir_url::$dist
"
        rm -f "$record" "$PREFIX/share/conda-stubs/$dist.txt"
    done
done
ADDED=""
for entry in @@BASE_ENTRIES@@; do
    [ -e "$PREFIX/conda-meta/${entry##*::}.json" ] || ADDED="$ADDED+$entry
"
done

KEEP=""
if [ -e "$PREFIX/.condarc" ]; then
    KEEP="--exclude=.condarc"
fi
printf "Unpacking payload ...\n"
# shellcheck disable=SC2086
if ! tail -n +@@LINES@@ "$THIS_PATH" | tar -xzf - -C "$PREFIX" $KEEP; then
    printf "ERROR: could not unpack the payload into '%s'\n" "$PREFIX" >&2
    exit 1
fi

ESCAPED_PREFIX=$(printf '%s\n' "$PREFIX" | sed 's/[\\|&]/\\&/g')
for path in @@PREFIX_FILES@@; do
    if ! sed "s|@@PLACEHOLDER@@|$ESCAPED_PREFIX|g" "$PREFIX/$path" > "$PREFIX/$path.tmp" \
            || ! mv "$PREFIX/$path.tmp" "$PREFIX/$path"; then
        printf "ERROR: could not relocate '%s'\n" "$PREFIX/$path" >&2
        exit 1
    fi
done

if [ -n "$REMOVED$ADDED" ]; then
    {
        printf "==> %s <==\n" "$(date '+%Y-%m-%d %H:%M:%S')"
        printf "# cmd: %s %s\n" "$THIS_PATH" "$ARGS"
        printf "# conda version: @@CONDA_VERSION@@\n"
        printf "%s%s" "$REMOVED" "$ADDED"
        printf "# update specs: %s\n" @@UPDATE_SPECS@@
    } >> "$PREFIX/conda-meta/history" || exit 1
fi

@@LINK_CONDA@@

mkdir -p "$PREFIX/envs" "$PREFIX/pkgs" || exit 1
printf "installation finished.\n"
exit 0
'''

BROKEN_LINK_STEP = '''printf "ERROR: test-bed installer broken on purpose: stopping before bin/conda\\n" >&2
exit 1'''


def link_conda_step(launcher: str) -> str:
    """Shell lines writing ``bin/conda`` and ``condabin/conda`` with the given launcher text."""
    assert LAUNCHER_END not in launcher
    lines = []
    for sub in ('bin', 'condabin'):
        target = f'"$PREFIX/{sub}/conda"'
        lines += [f'mkdir -p "$PREFIX/{sub}" || exit 1',
                  f"cat > {target} <<'{LAUNCHER_END}' || exit 1",
                  launcher.rstrip('\n'),
                  LAUNCHER_END,
                  f'chmod 755 {target} || exit 1']
    return '\n'.join(lines)


def shell_words(words: List[str]) -> str:
    """Words for a ``for`` list, each quoted for the shell."""
    return ' '.join(shlex.quote(word) for word in words)


def render_header(values: dict) -> str:
    """The header with every ``@@KEY@@`` filled, ``@@LINES@@`` being its own line count + 1."""
    text = HEADER
    for key, value in values.items():
        text = text.replace(f'@@{key}@@', value)
    return text.replace('@@LINES@@', str(text.count('\n') + 1))
