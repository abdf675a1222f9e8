"""Extract the 25 fields from document images with a transformers VLM backend.

With real weights (a local directory: a hub snapshot of e.g. OpenGVLab/InternVL3-2B-hf or
meta-llama/Llama-3.2-11B-Vision-Instruct; nothing is downloaded)::

    python examples/extract_transformers.py --backend internvl3 \\
        --model-path /models/InternVL3-2B-hf --images examples/documents/*.jpg

Without weights, make a tiny random model of the same class first (its answers are noise,
but every step runs: core preprocessing, batching, generation, records)::

    python examples/extract_transformers.py --backend llama_vision \\
        --make-tiny /tmp/tiny-llama --images examples/documents/invoice_a4.jpg

One JSON record per image goes to stdout (see DESIGN.md, "Output record").
"""

from __future__ import annotations

import argparse
import json
import logging
import os

from vlmserve.backends import Extractor, get_backend


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["internvl3", "llama_vision"], required=True)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--model-path", help="local model directory")
    where.add_argument("--make-tiny", metavar="DIR", help="write a tiny random model here, use it")
    parser.add_argument("--images", nargs="+", required=True)
    parser.add_argument("--device", default="auto", help="auto, cuda, cuda:N or cpu")
    parser.add_argument("--dtype", choices=["bfloat16", "float16", "float32"])
    parser.add_argument("--max-new-tokens", type=int, default=1024)
    parser.add_argument("--max-tiles", type=int, help="InternVL3 only (default 12)")
    parser.add_argument("--batch-size", type=int, default=4)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    model_path = args.model_path
    if args.make_tiny:
        from vlmserve.backends.tiny import tiny_model

        model_path = str(tiny_model(args.backend, args.make_tiny))
    config = {
        "model_path": model_path,
        "device": args.device,
        "max_new_tokens": args.max_new_tokens,
        # Images may come from wherever the command line points.
        "allowed_roots": sorted({os.path.dirname(os.path.abspath(p)) for p in args.images}),
    }
    config.update({k: v for k, v in [("dtype", args.dtype), ("max_tiles", args.max_tiles)] if v})
    with Extractor(get_backend(args.backend, config), max_batch_size=args.batch_size) as ex:
        for record in ex.process_image_batch(args.images):
            print(json.dumps(record))


if __name__ == "__main__":
    main()
