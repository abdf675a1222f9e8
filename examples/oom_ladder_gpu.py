"""Real CUDA out-of-memory errors, recovered by ``vlmserve.ResilientGenerator``.

Caps this process's GPU memory with ``torch.cuda.set_per_process_memory_fraction``, then runs
a toy vision-language model over a stream of documents of mixed cost (tiles) in large
batches. The ladder releases, splits and shrinks its way through the OOMs and learns the
largest safe batch cost, which the small cost-budget batcher below adopts through
``on_limit`` for the batches that follow. The same documents then run at a fixed batch size
of 1 (the usual way to dodge OOMs) for comparison.

    python examples/oom_ladder_gpu.py                      # 256 docs, 2 GiB of GPU memory
    python examples/oom_ladder_gpu.py --memory-gib 4 --max-batch 32

Exits with a message (status 0) where torch or a CUDA device is missing.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--docs", type=int, default=256, help="documents to generate for")
    p.add_argument("--memory-gib", type=float, default=2.0, help="GPU memory cap for the process")
    p.add_argument("--max-batch", type=int, default=24, help="most documents per batch")
    p.add_argument("--max-new-tokens", type=int, default=128)
    p.add_argument("--hidden", type=int, default=1024)
    p.add_argument("--tokens-per-tile", type=int, default=256)
    p.add_argument("--seed", type=int, default=0)
    return p.parse_args()


def build_model(torch, hidden: int):
    """A toy VLM: patch embedding, four MLP blocks, a token head (fp16 on the GPU)."""
    nn = torch.nn
    blocks = [
        nn.Sequential(nn.Linear(hidden, 4 * hidden), nn.GELU(), nn.Linear(4 * hidden, hidden))
        for _ in range(4)
    ]
    model = nn.ModuleDict(
        {
            "embed": nn.Linear(588, hidden),
            "blocks": nn.ModuleList(blocks),
            "head": nn.Linear(hidden, 32000),
        }
    )
    return model.half().cuda().eval()


def make_generate(torch, holder: dict, tokens_per_tile: int):
    """``generate(docs, max_new_tokens)``: prefill over every tile token, then decode into
    a KV-like cache sized by ``max_new_tokens``; memory grows with batch cost and tokens."""

    @torch.inference_mode()
    def generate(docs, max_new_tokens):
        model = holder["model"]
        length = max(tiles for _, tiles in docs) * tokens_per_tile
        x = torch.randn(len(docs), length, 588, device="cuda", dtype=torch.half)
        h = model["embed"](x)
        for block in model["blocks"]:
            h = h + block(h)
        cache = torch.empty(
            len(docs), length + max_new_tokens, h.shape[-1], device="cuda", dtype=h.dtype
        )
        cache[:, :length] = h
        tokens = []
        for step in range(max_new_tokens):
            last = cache[:, length + step - 1]
            tokens.append(model["head"](last).argmax(-1))
            cache[:, length + step] = last
        out = torch.stack(tokens, 1).cpu()
        return [f"doc {doc_id}: {out.shape[1]} tokens" for (doc_id, _), _ in zip(docs, out)]

    return generate


def batches(docs, max_batch: int, budget: dict):
    """A tiny cost-budget batcher: up to ``max_batch`` docs, total tiles within the budget
    (which ``on_limit`` lowers as the ladder learns), at least one doc per batch."""
    i = 0
    while i < len(docs):
        batch, cost = [docs[i]], docs[i][1]
        i += 1
        while i < len(docs) and len(batch) < max_batch and cost + docs[i][1] <= budget["cost"]:
            batch.append(docs[i])
            cost += docs[i][1]
            i += 1
        yield batch


def main() -> int:
    args = parse_args()
    try:
        import torch
    except ImportError:
        print("oom_ladder_gpu: PyTorch is not installed; this example needs torch with CUDA.")
        return 0
    if not torch.cuda.is_available():
        print("oom_ladder_gpu: no CUDA device is available; this example needs a GPU.")
        return 0
    from vlmserve import ResilientGenerator

    total = torch.cuda.get_device_properties(0).total_memory
    torch.cuda.set_per_process_memory_fraction(min(1.0, args.memory_gib * 2**30 / total))
    rng = random.Random(args.seed)
    docs = [(i, rng.randint(1, 7)) for i in range(args.docs)]  # (id, tiles)
    holder = {"model": build_model(torch, args.hidden)}
    generate = make_generate(torch, holder, args.tokens_per_tile)

    def shrink(params):
        tokens = params["max_new_tokens"] // 2
        return None if tokens < 16 else {**params, "max_new_tokens": tokens}

    def reload():
        holder["model"] = None
        torch.cuda.empty_cache()
        holder["model"] = build_model(torch, args.hidden)

    budget = {"cost": float("inf")}
    gen = ResilientGenerator(
        generate,
        shrink=shrink,
        reload=reload,
        cost_fn=lambda doc: doc[1],
        on_limit=lambda cost: budget.update(cost=cost),
    )
    generate(docs[:1], max_new_tokens=4)  # warm up (CUDA context, kernels)

    tiers, ooms, failed, done = Counter(), 0, 0, 0
    torch.cuda.synchronize()
    start = time.perf_counter()
    for batch in batches(docs, args.max_batch, budget):
        result = gen(batch, max_new_tokens=args.max_new_tokens)
        tiers.update(result.tiers)
        ooms += result.ooms
        failed += len(result.errors)
        done += len(batch) - len(result.errors)
    torch.cuda.synchronize()
    ladder_s = time.perf_counter() - start

    single_failed = 0
    start = time.perf_counter()
    for doc in docs:
        try:
            generate([doc], max_new_tokens=args.max_new_tokens)
        except torch.cuda.OutOfMemoryError:
            single_failed += 1
    torch.cuda.synchronize()
    single_s = time.perf_counter() - start

    print(f"GPU: {torch.cuda.get_device_name(0)}, capped at {args.memory_gib:g} GiB")
    print(f"documents: {len(docs)}, tiles {sum(t for _, t in docs)}, max batch {args.max_batch}")
    print(f"ladder:  {len(docs) / ladder_s:7.1f} docs/s  ({done} ok, {failed} failed, {ooms} OOMs)")
    print(f"         tiers used (batches): {dict(tiers) or 'none'}")
    print(f"         learned: {gen.limits!r}; batcher budget now {budget['cost']}")
    print(f"batch 1: {len(docs) / single_s:7.1f} docs/s  ({single_failed} failed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
