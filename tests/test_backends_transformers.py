"""The transformers backends (internvl3, llama_vision) on tiny random models of the real
classes, on the CPU: the core's preprocessing reaching the model's forward with the right
shapes and image tokens, batching, failure isolation and the OOM ladder's hooks.

The tiny models answer noise: these tests check structure and wiring, never field values.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

import vlmserve  # noqa: E402
from conftest import document  # noqa: E402
from vlmserve.backends import Extractor, get_backend  # noqa: E402
from vlmserve.backends.hf import resolve_dtype  # noqa: E402
from vlmserve.backends.tiny import tiny_model  # noqa: E402

KINDS = ["internvl3", "llama_vision"]
SIZES = [(1240, 1754), (448, 448), (600, 1200)]  # InternVL3 at max_tiles=6: 7, 1, 3 tiles
RECORD_KEYS = {
    "document",
    "model",
    "fields",
    "raw_text",
    "quality",
    "timing_ms",
    "recovery",
    "error",
}


@pytest.fixture(scope="module")
def model_dirs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("tiny")
    return {kind: str(tiny_model(kind, root / kind)) for kind in KINDS}


@pytest.fixture(scope="module")
def pages() -> list[np.ndarray]:
    return [np.asarray(document(w, h, seed=i)) for i, (w, h) in enumerate(SIZES)]


def backend(model_dirs: dict[str, str], kind: str, **config):
    config = {"model_path": model_dirs[kind], "device": "cpu", "max_new_tokens": 4, **config}
    return get_backend(kind, config)


def calls_of(module: torch.nn.Module) -> list[dict]:
    """Records the keyword arguments of every call of ``module``'s forward."""
    calls: list[dict] = []
    module.register_forward_pre_hook(lambda m, args, kwargs: calls.append(kwargs), with_kwargs=True)
    return calls


def prefills(calls: list[dict]) -> list[dict]:
    """The calls that saw the whole prompt (the first step of each generate)."""
    return [c for c in calls if c["input_ids"].shape[1] > 1]


def assert_well_formed(rec: dict, kind: str) -> None:
    assert set(rec) == RECORD_KEYS
    assert rec["model"] == kind and isinstance(rec["raw_text"], str)
    assert list(rec["fields"]) == vlmserve.extract.Schema.default().names
    assert rec["quality"]["fields_total"] == 25
    assert rec["error"] is None
    assert {"preprocess", "generate", "total"} <= set(rec["timing_ms"])


def extract_one(b, image) -> dict:
    """The record of one image, the Extractor (and its batcher thread) closed after."""
    with Extractor(b) as ex:
        return ex.process_single_image(image)


def test_importing_backends_does_not_import_torch() -> None:
    code = "import sys, vlmserve.backends; sys.exit('torch' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0


def test_internvl3_batch_reaches_the_model_as_the_core_made_it(model_dirs, pages) -> None:
    b = backend(model_dirs, "internvl3", max_tiles=6)
    vision, model = calls_of(b.model.model.vision_tower), calls_of(b.model)
    with Extractor(b) as ex:
        records = ex.process_image_batch(pages)
    assert len(records) == len(pages)
    for rec in records:
        assert_well_formed(rec, "internvl3")

    core = vlmserve.InternVL3Preprocessor(max_tiles=6)
    tiles = [core.plan(p).num_tiles for p in pages]
    assert len(set(tiles)) > 1  # different prompt lengths: left padding is exercised
    (step,) = prefills(model)
    assert step["input_ids"].shape[0] == len(pages)  # one batched generate
    (seen,) = vision
    expected = torch.from_numpy(core(pages)["pixel_values"])
    assert seen["pixel_values"].shape == (sum(tiles), 3, 448, 448)
    assert torch.equal(seen["pixel_values"], expected)

    per_tile = b.image_tokens_per_tile
    assert per_tile == 16  # (448 / 56)^2 patches, 0.5^2 after the pixel shuffle
    image_id = b.model.config.image_token_id
    start_id = b.tokenizer.convert_tokens_to_ids("<img>")
    assert not step["attention_mask"].all()  # the shorter prompts are padded
    for row, mask, n in zip(step["input_ids"], step["attention_mask"], tiles):
        assert int((row == image_id).sum()) == per_tile * n
        pad = int((mask == 0).sum())
        assert mask[pad:].all()  # padding only on the left
        tokens = row[pad:].tolist()
        assert tokens.index(start_id) + 1 == tokens.index(image_id)


def test_llama_vision_batch_reaches_the_model_as_the_core_made_it(model_dirs, pages) -> None:
    b = backend(model_dirs, "llama_vision")
    vision, model = calls_of(b.model.model.vision_model), calls_of(b.model)
    with Extractor(b) as ex:
        records = ex.process_image_batch(pages)
    for rec in records:
        assert_well_formed(rec, "llama_vision")

    core = vlmserve.MllamaPreprocessor()
    plans = [core.plan(p) for p in pages]
    expected = core([[p] for p in pages])
    (seen,) = vision
    assert seen["pixel_values"].shape == (len(pages), 1, 4, 3, 560, 560)
    assert torch.equal(seen["pixel_values"], torch.from_numpy(expected["pixel_values"]))
    assert seen["aspect_ratio_ids"].tolist() == [[p.aspect_ratio_id] for p in plans]
    assert torch.equal(seen["aspect_ratio_mask"], torch.from_numpy(expected["aspect_ratio_mask"]))

    (step,) = prefills(model)
    ids, cross = step["input_ids"], step["cross_attention_mask"]
    assert cross.shape == (*ids.shape, 1, 4)
    for row, mask, plan in zip(ids, cross, plans):
        image_at = row.tolist().index(b.image_token_id)
        assert (row == b.image_token_id).sum() == 1
        assert not mask[:image_at].any()  # text before the image does not see it
        assert mask[image_at:, 0, : plan.num_tiles].all()  # from the image on: its tiles
        assert not mask[:, 0, plan.num_tiles :].any()  # never the empty tiles


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_image_fails_alone(model_dirs, pages, kind) -> None:
    with Extractor(backend(model_dirs, kind)) as ex:
        records = ex.process_image_batch([pages[1], b"not an image", pages[0]])
    assert records[1]["error"]["type"] == "UnsupportedFormatError"
    assert records[1]["raw_text"] == ""
    for rec in (records[0], records[2]):
        assert_well_formed(rec, kind)


def test_bfloat16_core_output_reaches_a_bfloat16_model(model_dirs, pages) -> None:
    b = backend(model_dirs, "internvl3", dtype="bfloat16", max_tiles=2)
    vision = calls_of(b.model.model.vision_tower)
    rec = extract_one(b, pages[1])
    assert_well_formed(rec, "internvl3")
    assert vision[0]["pixel_values"].dtype == torch.bfloat16
    reference = vlmserve.InternVL3Preprocessor(max_tiles=2)(pages[1])["pixel_values"]
    assert torch.equal(vision[0]["pixel_values"], torch.from_numpy(reference).bfloat16())


def test_config_mistakes_say_what_to_pass(model_dirs, tmp_path) -> None:
    with pytest.raises(vlmserve.InvalidArgumentError, match="pass model_path"):
        get_backend("internvl3", {"device": "cpu"})
    with pytest.raises(vlmserve.InvalidArgumentError, match="no config.json"):
        get_backend("internvl3", {"model_path": str(tmp_path), "device": "cpu"})
    with pytest.raises(vlmserve.InvalidArgumentError, match="unknown internvl3 config keys"):
        get_backend("internvl3", {"model_path": model_dirs["internvl3"], "max_token": 5})
    with pytest.raises(vlmserve.InvalidArgumentError, match="dtype="):
        backend(model_dirs, "internvl3", dtype="int8")
    with pytest.raises(vlmserve.InvalidArgumentError, match="max_num_tiles=4"):
        backend(model_dirs, "llama_vision", max_tiles=2)
    with pytest.raises(vlmserve.InvalidArgumentError, match="holds a 'mllama' model"):
        backend({"internvl3": model_dirs["llama_vision"]}, "internvl3")


def test_dtype_follows_the_device() -> None:
    assert resolve_dtype(None, None) == "float32"
    assert resolve_dtype(None, (8, 0)) == "bfloat16"
    assert resolve_dtype("bfloat16", (7, 0)) == "float16"  # V100: no bfloat16
    assert resolve_dtype("float32", (7, 0)) == "float32"


def fail_batches_larger_than_one(module: torch.nn.Module) -> None:
    def hook(m, args, kwargs):
        if kwargs["input_ids"].shape[0] > 1:
            # Fault injection: a real torch.cuda.OutOfMemoryError, raised where a GPU would
            # run out during the forward (the condition itself cannot happen on the CPU).
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")

    module.register_forward_pre_hook(hook, with_kwargs=True)


@pytest.mark.parametrize("kind", KINDS)
def test_out_of_memory_splits_the_batch_and_every_item_recovers(model_dirs, pages, kind) -> None:
    b = backend(model_dirs, kind, **({"max_tiles": 2} if kind == "internvl3" else {}))
    fail_batches_larger_than_one(b.model)
    ran = calls_of(b.model)  # after the fault: records only the forwards that ran
    with Extractor(b) as ex:
        records = ex.process_image_batch(pages)
        assert ex.batcher.max_batch_cost is not None  # the ladder learned a safe cost
    for rec in records:
        assert_well_formed(rec, kind)
        assert "split" in rec["recovery"]
    assert [c["input_ids"].shape[0] for c in prefills(ran)] == [1] * len(pages)


def test_out_of_memory_while_generating_shrinks_new_tokens(model_dirs, pages) -> None:
    b = backend(model_dirs, "internvl3", max_tiles=2, max_new_tokens=8, oom_min_new_tokens=2)
    assert b.shrink({"max_new_tokens": 8}) == {"max_new_tokens": 4}
    assert b.shrink({"max_new_tokens": 3}) == {"max_new_tokens": 2}
    assert b.shrink({"max_new_tokens": 2}) is None
    steps = calls_of(b.model)

    def hook(m, args, kwargs):
        # Fault injection: memory that runs out as the KV cache grows past 4 generated tokens.
        if len(steps) - max(i for i, c in enumerate(steps) if c["input_ids"].shape[1] > 1) > 4:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 64.00 MiB")

    b.model.register_forward_pre_hook(hook, with_kwargs=True)
    rec = extract_one(b, pages[0])
    assert_well_formed(rec, "internvl3")
    assert "shrink" in rec["recovery"]


def test_out_of_memory_on_many_tiles_shrinks_to_fewer_tiles(model_dirs, pages) -> None:
    b = backend(model_dirs, "internvl3", max_tiles=6, oom_min_new_tokens=4)
    assert b.shrink({"max_new_tokens": 4, "max_tiles": 6}) == {"max_new_tokens": 4, "max_tiles": 3}
    assert b.shrink({"max_new_tokens": 4, "max_tiles": 1}) is None
    (half_page,) = b.prepare([pages[2]])  # a 1x2 grid plus the thumbnail
    assert b.within(half_page.data, max_tiles=2) is half_page.data  # the grid fits: kept

    def hook(m, args, kwargs):
        if kwargs["pixel_values"].shape[0] > 4:
            # Fault injection: the vision tower runs out of memory above 4 tiles.
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 1.00 GiB")

    b.model.model.vision_tower.register_forward_pre_hook(hook, with_kwargs=True)
    vision = calls_of(b.model.model.vision_tower)
    rec = extract_one(b, pages[0])  # an A4 page: 7 tiles at max_tiles=6
    assert_well_formed(rec, "internvl3")
    assert "shrink" in rec["recovery"]
    retiled = vlmserve.InternVL3Preprocessor(max_tiles=3)(pages[0])["pixel_values"]
    assert torch.equal(vision[-1]["pixel_values"], torch.from_numpy(retiled))


@pytest.mark.parametrize("kind", KINDS)
def test_reload_and_cpu_generate_hooks_answer_the_batch(model_dirs, pages, kind) -> None:
    b = backend(model_dirs, kind)
    prepared = b.prepare(pages[:2])
    before = b.model
    b.reload()
    assert b.model is not before
    params = {**b.generation_params(), "max_new_tokens": 2}
    answers = b.cpu_generate([p.data for p in prepared], **params)
    assert len(answers) == 2 and all(isinstance(a, str) for a in answers)
