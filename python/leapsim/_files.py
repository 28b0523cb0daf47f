"""Writing an output file so that it is complete or absent, and nothing that exists is replaced unasked."""

from __future__ import annotations

import os
from typing import Union

from ._core import UsageError


def check_destination(path: Union[str, os.PathLike], force: bool = False) -> None:
    """Raises UsageError when path cannot be written: its folder does not exist, or it exists and
    force is False. Called before the work too, so that a refusal costs nothing."""
    path = os.fspath(path)
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise UsageError(f"cannot write {path}: folder {folder} does not exist")
    if not force and os.path.lexists(path):
        raise UsageError(f"{path} exists; use --force (force=True) to replace it")


def write_atomically(path: Union[str, os.PathLike], data: bytes, force: bool = False) -> str:
    """Writes data to path through a hidden temporary in the same folder, renamed (or, without
    force, hard-linked, which fails if path exists) into place; returns path as a string.

    Raises UsageError for an existing path without force or a folder that does not exist.
    """
    check_destination(path, force)
    path = os.fspath(path)
    folder = os.path.dirname(path) or "."
    temporary = os.path.join(folder, f".{os.path.basename(path)}.partial-{os.getpid()}")
    try:
        with open(temporary, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if force:
            os.replace(temporary, path)
        else:
            try:
                os.link(temporary, path)  # atomic, and never over a file that appeared meanwhile
            except FileExistsError:
                raise UsageError(f"{path} exists; use --force (force=True) to replace it") from None
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
    return path
