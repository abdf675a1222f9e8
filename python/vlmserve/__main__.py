"""``python -m vlmserve``: the ``vlmserve`` command."""

from vlmserve.cli import main

main()
