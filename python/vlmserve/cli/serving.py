"""``vlmserve package`` and ``vlmserve serve``: TorchServe."""

from __future__ import annotations

import time
from pathlib import Path

import click

from vlmserve.cli import main, parse_config


def _ports(_ctx: click.Context, _param: click.Parameter, value: str) -> dict[str, int]:
    """``--ports``: TorchServe's five ports, comma-separated."""
    from vlmserve.serving.torchserve_deploy import DEFAULT_PORTS

    parts = value.split(",")
    if len(parts) != len(DEFAULT_PORTS) or not all(p.strip().isdigit() for p in parts):
        raise click.BadParameter(f"{value!r}: give five ports, e.g. 8080,8081,8082,7070,7071")
    return dict(zip(DEFAULT_PORTS, map(int, parts)))


@main.command()
@click.option("--backend", default="ocr", show_default=True, help="Name or package.module:Class.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="extractor", show_default=True, help="Model name in TorchServe.")
@click.option("--batch-size", type=click.IntRange(1), default=8, show_default=True)
@click.option("--max-batch-delay", type=click.IntRange(0), default=50, show_default=True, help="ms")
@click.option("--max-batch-cost", type=click.IntRange(1), default=None, help="Core cost budget.")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True)
@click.option("--response-timeout", type=click.IntRange(1), default=120, show_default=True)
@click.option("--schema", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option(
    "--config",
    "backend_config",
    multiple=True,
    callback=lambda _ctx, _param, items: parse_config(items),
    help='Backend setting key=value (JSON or text), repeatable: allowed_roots=["/data"].',
)
@click.option(
    "--ports",
    default="8080,8081,8082,7070,7071",
    show_default=True,
    callback=_ports,
    help="Inference, management, metrics, gRPC inference, gRPC management ports (127.0.0.1).",
)
def package(
    out,
    backend,
    name,
    batch_size,
    max_batch_delay,
    max_batch_cost,
    workers,
    response_timeout,
    schema,
    backend_config,
    ports,
) -> None:
    """Build a TorchServe model archive and a loopback config.properties for it.

    vlmserve package --backend ocr --out model_store --config 'allowed_roots=["/data/scans"]'
    """
    from vlmserve.serving.torchserve_deploy import package_model

    model = package_model(
        out,
        backend=backend,
        name=name,
        backend_config=backend_config,
        batch_size=batch_size,
        max_batch_delay_ms=max_batch_delay,
        workers=workers,
        response_timeout_s=response_timeout,
        max_batch_cost=max_batch_cost,
        schema=schema,
        ports=ports,
    )
    click.echo(f"wrote {model.mar}\nwrote {model.config_properties}\nwrote {model.metrics_config}")
    click.echo(f"serve it: vlmserve serve --model-store {model.mar.parent}")


@main.command()
@click.option(
    "--model-store", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--config-properties",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Default: config.properties in the model store.",
)
@click.option(
    "--workdir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="TorchServe's working directory: key_file.json and logs/.",
)
@click.option("--timeout", type=float, default=180.0, show_default=True, help="Seconds to ready.")
@click.option(
    "--foreground/--background",
    default=True,
    show_default=True,
    help="Run until Ctrl-C, or leave TorchServe running once ready.",
)
def serve(model_store, config_properties, workdir, timeout, foreground) -> None:
    """Start TorchServe on a model store and wait until its models are ready."""
    import signal

    from vlmserve.serving.torchserve_deploy import TorchServeError
    from vlmserve.serving.torchserve_process import TorchServeProcess

    config = config_properties or model_store / "config.properties"
    if not config.exists():
        raise click.UsageError(f"no {config}; run `vlmserve package` or pass --config-properties")
    workdir.mkdir(parents=True, exist_ok=True)
    ts = TorchServeProcess(config, model_store=model_store, workdir=workdir)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # `kill` stops it cleanly too
    detached = False
    try:
        ts.start()
        _print_serving(ts, ts.wait_ready(timeout))
        if not foreground:
            click.echo(f"stop it with: kill -TERM -- -{ts.pid}   (its process group)")
            detached = True
            return
        click.echo("Ctrl-C to stop.")
        while ts.running():
            time.sleep(0.5)
        raise click.ClickException(f"TorchServe exited.\n{ts.log_tail()}")
    except TorchServeError as err:
        raise click.ClickException(str(err)) from err
    except KeyboardInterrupt:
        click.echo("stopping TorchServe...", err=True)
    finally:
        if not detached:
            ts.stop()


def _print_serving(ts, models: list[str]) -> None:
    urls = ts.urls
    click.echo(f"TorchServe ready: models {', '.join(models)}")
    for model in models:
        click.echo(f"  predict:    POST {urls['inference']}/predictions/{model}")
    click.echo(f"  management: {urls['management']}   metrics: {urls['metrics']}/metrics")
    click.echo(f"  logs:       {ts.log_dir}")
    click.echo(
        f"token keys in {ts.workdir / 'key_file.json'}: send "
        '"Authorization: Bearer <inference key>" (management key for the management API)'
    )
