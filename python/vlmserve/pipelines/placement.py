"""Where a pipeline task runs on Kubernetes: accelerators, node selectors, tolerations.

These are compile-time settings (``vlmserve pipeline compile --node-selector ...``): they
are written into the IR's Kubernetes platform spec by the ``kfp-kubernetes`` package.
``kfp.local`` runs ignore them.

>>> parse_label("cloud.google.com/gke-accelerator=nvidia-l4")
('cloud.google.com/gke-accelerator', 'nvidia-l4')
>>> parse_toleration("nvidia.com/gpu=present:NoSchedule")
{'key': 'nvidia.com/gpu', 'operator': 'Equal', 'value': 'present', 'effect': 'NoSchedule'}
>>> parse_toleration("dedicated:NoExecute")  # no value: any value of the taint
{'key': 'dedicated', 'operator': 'Exists', 'effect': 'NoExecute'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Union

from kfp.dsl import PipelineTask

from vlmserve.errors import InvalidArgumentError

__all__ = ["EFFECTS", "Toleration", "parse_label", "parse_toleration", "place"]

EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
"""The taint effects a toleration can name (none: every effect)."""

Toleration = Union[str, Mapping[str, Any]]
"""``"key[=value][:effect]"`` (as ``kubectl taint`` writes a taint), or the keyword
arguments of ``kfp.kubernetes.add_toleration`` (``key``, ``operator``, ``value``,
``effect``, ``toleration_seconds``)."""

_TOLERATION_KEYS = {"key", "operator", "value", "effect", "toleration_seconds"}

# Kubernetes' syntax for label keys and values (taint keys and values share it): a key is
# an optional DNS-subdomain prefix of at most 253 characters and "/", then a name; a value
# is empty or a name.
_NAME = re.compile(r"[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
_PREFIX = re.compile(r"[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*")


def _check(what: str, key: str, value: str, example: str) -> None:
    prefix, slash, name = key.rpartition("/")
    good_prefix = not slash or (len(prefix) <= 253 and _PREFIX.fullmatch(prefix))
    if not (good_prefix and _NAME.fullmatch(name) and (not value or _NAME.fullmatch(value))):
        raise InvalidArgumentError(
            f"{what} {key}={value} is not a Kubernetes label: the key is [prefix/]name and "
            "the value empty or a name, a name being at most 63 letters, digits, '-', '_' or "
            f"'.' that starts and ends with a letter or digit; e.g. {example}"
        )


def parse_label(text: str) -> tuple[str, str]:
    """``(key, value)`` of a ``key=value`` node label, checked."""
    key, sep, value = text.partition("=")
    if not sep:
        raise InvalidArgumentError(
            f"node selector {text!r} has no '='; pass key=value, e.g. nvidia.com/gpu.present=true"
        )
    _check("node selector", key, value, "nvidia.com/gpu.present=true")
    return key, value


def parse_toleration(text: str) -> dict[str, str]:
    """The :func:`kfp.kubernetes.add_toleration` arguments of ``key[=value][:effect]``: with
    a value the taint's value must equal it, without one any value matches; without an
    effect, every effect of the taint is tolerated."""
    spec, _, effect = text.partition(":")
    key, sep, value = spec.partition("=")
    if effect and effect not in EFFECTS:
        raise InvalidArgumentError(
            f"toleration {text!r} has effect {effect!r}; pass one of {', '.join(EFFECTS)} "
            "(or none, for every effect), e.g. nvidia.com/gpu=present:NoSchedule"
        )
    _check("toleration", key, value, "nvidia.com/gpu=present:NoSchedule")
    out = {
        "key": key,
        "operator": "Equal" if sep else "Exists",
        "value": value if sep else None,
        "effect": effect or None,
    }
    return {k: v for k, v in out.items() if v is not None}


def place(
    task: PipelineTask,
    *,
    accelerator_type: str | None = None,
    accelerator_limit: int = 1,
    node_selector: Mapping[str, str] | None = None,
    tolerations: Sequence[Toleration] = (),
) -> PipelineTask:
    """Sets on ``task`` only what is given: ``accelerator_limit`` accelerators of
    ``accelerator_type`` (e.g. ``"nvidia.com/gpu"``), a node label per ``node_selector``
    entry (all must match), and ``tolerations``. Returns ``task``."""
    if accelerator_type:
        task.set_accelerator_type(accelerator_type)
        task.set_accelerator_limit(accelerator_limit)
    if not node_selector and not tolerations:
        return task
    try:
        # Only these settings need kfp-kubernetes: the default pipeline compiles without it.
        from kfp import kubernetes
    except ImportError as err:
        raise ImportError(
            "node selectors and tolerations need kfp-kubernetes: pip install 'vlmserve[kfp]'"
        ) from err
    for key, value in (node_selector or {}).items():
        _check("node selector", key, value, "nvidia.com/gpu.present=true")
        kubernetes.add_node_selector(task, label_key=key, label_value=value)
    for toleration in tolerations:
        args = parse_toleration(toleration) if isinstance(toleration, str) else toleration
        if not set(args) <= _TOLERATION_KEYS:
            raise InvalidArgumentError(
                f"toleration {dict(args)!r} has unknown keys {sorted(set(args) - _TOLERATION_KEYS)}"
                f"; use {sorted(_TOLERATION_KEYS)}, or a 'key[=value][:effect]' string"
            )
        kubernetes.add_toleration(task, **args)
    return task
