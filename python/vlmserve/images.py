"""Finding document images on disk: the one list of image suffixes, and the one walk over
files and folders that the CLI commands and the pipeline's discover step share.

Light on purpose (standard library only): the pipeline's components import it in each
task's subprocess.

>>> from vlmserve.images import IMAGE_SUFFIXES, find_images, suffixes
>>> IMAGE_SUFFIXES
('.jpg', '.jpeg', '.png', '.tif', '.tiff', '.bmp', '.webp')
>>> sorted(suffixes(["PNG", ".jpg", " webp "]))
['.jpg', '.png', '.webp']
>>> found = find_images(["examples/documents"])     # doctest: +SKIP
>>> len(found.images), found.ignored                 # doctest: +SKIP
(12, 1)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from vlmserve.errors import InvalidArgumentError

__all__ = ["IMAGE_SUFFIXES", "Found", "find_images", "suffixes"]

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp")
"""The suffixes of the formats the core decodes (JPEG, PNG, TIFF, BMP, WebP)."""


class Found(NamedTuple):
    """What :func:`find_images` found."""

    images: list[Path]
    """Files named directly, then each folder's files with an image suffix, sorted."""
    ignored: int
    """Files under the folders whose suffix is not an image suffix."""


def suffixes(formats: Iterable[str]) -> frozenset[str]:
    """``formats`` (``"PNG"``, ``".jpg"``...) as lower-case suffixes with their dot.

    Raises :class:`vlmserve.InvalidArgumentError` when none is given.
    """
    found = frozenset("." + f.strip().lower().lstrip(".") for f in formats if f.strip())
    if not found:
        raise InvalidArgumentError("formats is empty; pass image suffixes such as 'jpg,png'")
    return found


def find_images(
    paths: Iterable[str | os.PathLike[str]],
    *,
    recursive: bool = True,
    formats: Iterable[str] = IMAGE_SUFFIXES,
) -> Found:
    """The image files among ``paths``: a file is taken as named (whatever its suffix: the
    user chose it); a folder gives its files whose suffix is one of ``formats``, sorted,
    from its subfolders too when ``recursive``. Nothing is opened here: readers check the
    content (a bad file is that file's error, not the run's)."""
    wanted = suffixes(formats)
    images: list[Path] = []
    ignored = 0
    for path in map(Path, paths):
        if not path.is_dir():
            images.append(path)
            continue
        files = sorted(p for p in (path.rglob("*") if recursive else path.iterdir()) if p.is_file())
        matching = [p for p in files if p.suffix.lower() in wanted]
        images += matching
        ignored += len(files) - len(matching)
    return Found(images, ignored)
