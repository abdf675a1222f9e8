"""The batcher and the resilient generator together: the safe cost the ladder learns from
real OOM-shaped failures becomes the batcher's cost budget, and later batches fit."""

from __future__ import annotations

from vlmserve import Batcher, ResilientGenerator

OOM = "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.77 GiB total capacity)"


def test_learned_safe_cost_becomes_the_batch_budget():
    runs: list[list[int]] = []

    def generate(batch: list[int]) -> list[int]:
        runs.append(list(batch))
        if sum(batch) > 10:  # the "GPU" fits at most cost 10
            raise RuntimeError(OOM)
        return [x * 2 for x in batch]

    batchers: list[Batcher] = []
    gen = ResilientGenerator(
        generate, cost_fn=lambda x: x, on_limit=lambda c: batchers[0].set_max_batch_cost(c)
    )
    tiers_per_batch: list[list[str]] = []

    def run(batch: list[int]) -> list:
        result = gen(batch)
        tiers_per_batch.append(result.tiers)
        return result.outputs

    with Batcher(run, max_batch_size=8, max_delay_ms=50) as batcher:
        batchers.append(batcher)
        assert batcher.run_many([3] * 8, costs=[3] * 8) == [6] * 8
        # 8x3=24 fails, the release retry fails, halves of 12 fail, quarters of 6 fit.
        assert gen.limits.largest_ok == 6 and gen.limits.smallest_failed == 12
        assert batcher.max_batch_cost == 6
        assert "split" in tiers_per_batch[0]

        runs.clear()
        tiers_per_batch.clear()
        assert batcher.run_many([3] * 8, costs=[3] * 8) == [6] * 8
        assert all(sum(r) <= 6 for r in runs), runs
        assert all(t == [] for t in tiers_per_batch), tiers_per_batch
