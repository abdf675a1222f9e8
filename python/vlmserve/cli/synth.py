"""``vlmserve synth``: sample documents with ground truth."""

from __future__ import annotations

from pathlib import Path

import click

from vlmserve.cli import main


def _names(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


@main.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--count", type=click.IntRange(min=1), default=12, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option(
    "--layouts", help="Comma-separated layout names (default: every layout of the split)."
)
@click.option("--kinds", help="Comma-separated kinds: invoice, receipt, statement.")
@click.option(
    "--split",
    type=click.Choice(
        ["tuned", "held-out", "final", "exam", "blind", "sealed", "vault", "atlas", "cobalt"]
    ),
    help="Which layouts: tuned (the default), held-out, final (a second held-out family), "
    "exam (a third, measured once at the end), blind (a fourth, also measured once), "
    "sealed (a fifth, built without sight of the extraction rules), vault (a sixth, "
    "likewise), atlas (a seventh, likewise) or cobalt (an eighth, likewise).",
)
@click.option("--held-out", is_flag=True, help="Same as --split held-out.")
def synth(out_dir, count, seed, layouts, kinds, split, held_out) -> None:
    """Render synthetic invoices, receipts and bank statements with OUT_DIR/truth.csv."""
    from vlmserve import synth as generator
    from vlmserve.errors import InvalidArgumentError

    if held_out and split not in (None, "held-out"):
        raise click.UsageError(
            f"--held-out is --split held-out: pass --held-out or --split {split}, not both"
        )
    try:
        rows = generator.generate(
            out_dir,
            count,
            seed,
            layouts=_names(layouts),
            kinds=_names(kinds),
            split="held-out" if held_out else split,
        )
    except InvalidArgumentError as err:
        raise click.UsageError(str(err)) from err
    click.echo(f"{len(rows)} documents and truth.csv written to {out_dir}")
