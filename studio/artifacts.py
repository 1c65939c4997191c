"""The artifact folder: files written atomically, addressed by relative paths, swept when orphaned.

A file is written under a temporary name in its final folder, flushed, and moved into place
with ``os.replace`` before the database row that points at it commits. If the commit fails the
caller deletes the new file; if the process dies in between, ``sweep`` removes the orphan.

A write the file system refuses (a full disk, a read-only folder, no permission, a file where a
folder should be) raises ``NotWritableError``: one sentence naming the folder; reads go on.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from studio.errors import StorageError, writing

log = logging.getLogger(__name__)

TEMP_SUFFIX = ".partial"
SWEEP_GRACE_SECONDS = 3600


@dataclass(frozen=True)
class StoredFile:
    """A file now in place: its relative path, SHA-256 and size."""

    path: str
    sha256: str
    size_bytes: int
    created: bool


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """The hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def _remove(path: Path) -> None:
    """Delete a temporary file, quietly: it may never have been created."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.warning("could not remove the temporary file %s", path)


class ArtifactStore:
    """A folder of immutable files addressed by POSIX-style relative paths."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_of(self, relative: str) -> Path:
        """The absolute path of ``relative``, refusing anything that leaves the root."""
        rel = PurePosixPath(relative)
        if rel.is_absolute() or ".." in rel.parts:
            raise StorageError(f"Refusing artifact path outside the store: {relative!r}")
        return self.root.joinpath(*rel.parts)

    def write(self, relative: str, writer: Callable[[Path], None]) -> StoredFile:
        """Write a file via ``writer(temp_path)`` and move it into place atomically.

        If the target already exists (content-addressed paths), the new copy is discarded and
        the existing file is reported with ``created=False``. Raises ``NotWritableError`` when
        the file system refuses the write.
        """
        final = self.path_of(relative)
        temp = final.with_name(f".{final.name}.{uuid.uuid4().hex}{TEMP_SUFFIX}")
        with writing(self.root):
            try:
                final.parent.mkdir(parents=True, exist_ok=True)
                writer(temp)
                with temp.open("rb") as handle:
                    os.fsync(handle.fileno())
                if final.exists():
                    _remove(temp)
                    return StoredFile(relative, sha256_file(final), final.stat().st_size, False)
                digest = sha256_file(temp)
                os.replace(temp, final)
            except BaseException:
                _remove(temp)
                raise
        return StoredFile(relative, digest, final.stat().st_size, True)

    def adopt(self, temp_relative: str, relative: str) -> StoredFile:
        """Move a finished temporary file (written by another process) into place atomically.

        Raises StorageError if a file is already at ``relative``: artifact files are never
        replaced, so a row that points at one always finds the bytes it recorded.
        """
        temp, final = self.path_of(temp_relative), self.path_of(relative)
        with writing(self.root):
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():
                raise StorageError(f"Refusing to replace the artifact {relative}: immutable.")
            digest = sha256_file(temp)
            os.replace(temp, final)
        return StoredFile(relative, digest, final.stat().st_size, True)

    def delete(self, relative: str) -> None:
        """Remove a file if it exists."""
        with writing(self.root):
            self.path_of(relative).unlink(missing_ok=True)

    def verified_path(self, relative: str, sha256: str) -> Path:
        """The path of a file whose SHA-256 is ``sha256``; refuses missing or altered files."""
        path = self.path_of(relative)
        if not path.is_file():
            raise StorageError(f"The artifact {relative} is missing from {self.root}.")
        if sha256_file(path) != sha256:
            raise StorageError(
                f"The artifact {relative} does not match its recorded checksum; it was altered "
                "or corrupted and will not be loaded."
            )
        return path

    def sweep(
        self,
        referenced: Iterable[str],
        grace_seconds: float = SWEEP_GRACE_SECONDS,
        keep_prefixes: Iterable[str] = (),
    ) -> list[str]:
        """Delete files no row references (and stale temporary files); return what was removed.

        Files younger than ``grace_seconds`` are kept: their row may be about to commit.
        """
        keep = {str(PurePosixPath(p)) for p in referenced}
        prefixes = tuple(keep_prefixes)
        cutoff = time.time() - grace_seconds
        removed: list[str] = []
        if not self.root.exists():
            return removed
        for path in self.root.rglob("*"):
            if not path.is_file() or path.stat().st_mtime > cutoff:
                continue
            relative = path.relative_to(self.root).as_posix()
            if relative in keep or relative.startswith(prefixes):
                continue
            path.unlink(missing_ok=True)
            removed.append(relative)
            log.info("swept orphan artifact %s", relative)
        return removed
