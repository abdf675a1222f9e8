"""The ``vlmserve`` command.

vlmserve preprocess examples/documents --model internvl3
vlmserve synth out/ --count 100 --seed 1 --split final
vlmserve extract examples/documents --out results.jsonl
vlmserve evaluate results.jsonl --truth examples/documents/truth.csv
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import click

from vlmserve.images import IMAGE_SUFFIXES, find_images

__all__ = ["IMAGE_SUFFIXES", "discover", "main", "parse_config"]


def discover(paths: tuple[Path, ...]) -> list[Path]:
    """Image files named directly, or found (recursively, sorted) under named directories."""
    return find_images(paths).images


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages (core included).")
def main(verbose: bool) -> None:
    """vlmserve: fast, robust VLM serving for document field extraction."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING)


def parse_config(items: tuple[str, ...]) -> dict[str, Any]:
    """``key=value`` pairs; values are JSON when they parse (``threads=2``,
    ``allowed_roots=["/data"]``), text otherwise (``lang=eng``)."""
    config: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"{item!r} is not key=value", param_hint="--config")
        try:
            config[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            config[key.strip()] = value
    return config


# The commands register themselves on `main` when their modules are imported.
from vlmserve.cli import extract, pipeline, preprocess, serving, synth  # noqa: E402, F401
