"""Check a GPU machine: devices, allocator advice, and (with torch) fragmentation after a
burst of variable-size allocations like a VLM batch sees.

    python examples/gpu_check.py
"""

from __future__ import annotations

from vlmserve import cuda


def measure_fragmentation() -> None:
    import torch

    if not torch.cuda.is_available():
        print("torch: no CUDA device")
        return
    keep = []
    for i in range(200):
        # Tile counts 1..13 -> activations of different sizes; keep every third one alive.
        t = torch.empty((1 + i % 13) * 7 * 2**20, dtype=torch.uint8, device="cuda")
        if i % 3 == 0:
            keep.append(t)
        del t
    report = cuda.fragmentation(torch.cuda.memory_stats())
    print("after burst:", report)
    ran = cuda.Defragmenter(0.1, min_reserved_bytes=0).maybe_run()
    print("defragmenter ran:", ran, "->", cuda.fragmentation(torch.cuda.memory_stats()))
    del keep


def main() -> None:
    found = cuda.devices()
    print("devices:", found or "none (no GPU or no libcuda)")
    for device in found or [None]:
        config, reasons = cuda.allocator_advice(device)
        print(f"\n{device.name if device else 'default'}: PYTORCH_CUDA_ALLOC_CONF={config}")
        for reason in reasons:
            print("  -", reason)
    # Set before torch initialises CUDA, so the measurement runs under the advice.
    cuda.apply_allocator_config()
    try:
        measure_fragmentation()
    except ImportError:
        print("\ntorch not installed: fragmentation measurement skipped")


if __name__ == "__main__":
    main()
