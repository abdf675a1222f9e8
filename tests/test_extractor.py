"""The Extractor over a backend defined here: core loading, cost batching, the OOM ladder
and the output records, independent of any model.

``ShapeBackend`` is a real (if trivial) backend: it answers from the decoded pixels, so
each record can be checked against its own input.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest

from conftest import encode, random_image
from vlmserve.backends import (
    Backend,
    Extractor,
    Prepared,
    get_backend,
    loader_from,
    schema_from,
)
from vlmserve.errors import InvalidArgumentError, VlmServeError


class ShapeBackend(Backend):
    """Answers with the image's width as the total and its height as the invoice number;
    costs one unit per 100 px of height. Raises a CUDA-style OOM for batches costing more
    than ``oom_above`` (the GPU condition, injected: there is no GPU here)."""

    name = "shape"

    def load(self, config):
        self.loader = loader_from(config)
        self.schema = schema_from(config)
        self.oom_above = config.get("oom_above")
        self.batches: list[int] = []
        self.lock = threading.Lock()

    def prepare(self, images):
        out = []
        for image in images:
            try:
                pixels = self.loader.load(image)
            except VlmServeError as err:  # this image alone fails
                out.append(err)
                continue
            out.append(Prepared(pixels, cost=max(pixels.shape[0] // 100, 1)))
        return out

    def generate(self, batch, **params):
        cost = sum(max(p.shape[0] // 100, 1) for p in batch)
        with self.lock:
            self.batches.append(len(batch))
        if self.oom_above is not None and cost > self.oom_above:
            raise RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return [
            f"DOCUMENT_TYPE: invoice\nTOTAL_AMOUNT: ${p.shape[1]}\nINVOICE_NUMBER: {p.shape[0]}"
            for p in batch
        ]


def shape_backend(**config) -> ShapeBackend:
    return get_backend(f"{__name__}:ShapeBackend", config)


def png(width: int, height: int) -> bytes:
    return encode(random_image(width, height), "PNG")


def test_records_follow_their_inputs():
    with Extractor(shape_backend()) as ex:
        records = ex.process_image_batch([png(30, 200), png(50, 300)], names=["a.png", "b.png"])
    assert [r["document"] for r in records] == ["a.png", "b.png"]
    assert [r["fields"]["TOTAL_AMOUNT"] for r in records] == ["30.00", "50.00"]
    assert [r["fields"]["INVOICE_NUMBER"] for r in records] == ["200", "300"]
    assert all(r["error"] is None and r["model"] == "shape" for r in records)
    assert records[0]["quality"]["fields_found"] == 3
    assert {"generate", "total"} <= records[0]["timing_ms"].keys()


def test_records_name_documents_the_way_the_core_reads_them(tmp_path):
    """Without names: a path as given, a data URL's media type, ``item-<i>`` for bytes,
    arrays and base64 (long base64 is image data, not a file name)."""
    import base64

    data = png(30, 200)
    path = tmp_path / "page.png"
    path.write_bytes(data)
    b64 = base64.b64encode(data).decode()
    inputs = [str(path), path, f"data:image/png;base64,{b64}", b64, data, random_image(8, 8)]
    with Extractor(shape_backend(allowed_roots=[str(tmp_path)])) as ex:
        records = ex.process_image_batch(inputs)
    assert [r["document"] for r in records] == [
        str(path),
        str(path),
        "data:image/png",
        "item-3",
        "item-4",
        "item-5",
    ]
    assert all(r["error"] is None for r in records)


def test_a_bad_image_fails_alone(tmp_path):
    outside = tmp_path / "x.png"
    outside.write_bytes(png(10, 10))
    with Extractor(shape_backend(allowed_roots=[])) as ex:
        records = ex.process_image_batch([png(20, 100), b"not an image", str(outside)])
    assert records[0]["fields"]["TOTAL_AMOUNT"] == "20.00"
    assert records[1]["error"]["type"] == "UnsupportedFormatError"
    assert records[2]["error"]["type"] == "SourceNotAllowedError"
    assert records[2]["document"] == str(outside)
    assert all(v is None for v in records[1]["fields"].values())


def test_batches_respect_the_cost_budget():
    backend = shape_backend()
    with Extractor(backend, max_batch_size=8, max_batch_cost=4, max_delay_ms=50) as ex:
        records = ex.process_image_batch([png(8, 200)] * 6)  # cost 2 each: pairs
    assert all(r["error"] is None for r in records)
    assert sum(backend.batches) == 6 and max(backend.batches) == 2


def test_out_of_memory_splits_and_every_document_is_answered():
    backend = shape_backend(oom_above=2)
    with Extractor(backend, max_batch_size=8, max_delay_ms=50) as ex:
        records = ex.process_image_batch([png(8 + i, 200) for i in range(4)])
    assert [r["fields"]["TOTAL_AMOUNT"] for r in records] == ["8.00", "9.00", "10.00", "11.00"]
    assert all("split" in r["recovery"] for r in records)
    assert ex.batcher.max_batch_cost == 2  # learned: batches costing 2 run, 4 ran out


def test_single_image_and_names_must_match():
    with Extractor(shape_backend()) as ex:
        rec = ex.process_single_image(np.zeros((120, 40, 3), np.uint8), name="zeros")
        assert (rec["document"], rec["fields"]["TOTAL_AMOUNT"]) == ("zeros", "40.00")
        with pytest.raises(ValueError, match="names"):
            ex.process_image_batch([png(5, 5)], names=["a", "b"])


def test_records_follow_the_schema_the_backend_was_given():
    schema = '{"fields": [{"name": "TOTAL_AMOUNT", "kind": "money"}]}'
    with Extractor(shape_backend(schema=schema)) as ex:
        rec = ex.process_single_image(png(30, 200))
    assert rec["fields"] == {"TOTAL_AMOUNT": "30.00"}
    assert rec["quality"]["fields_total"] == 1


def test_unknown_backend_names_the_choices():
    with pytest.raises(InvalidArgumentError, match="ocr"):
        get_backend("nonexistent")
    with pytest.raises(InvalidArgumentError, match="cannot load backend"):
        get_backend("no.such.module:Backend")
