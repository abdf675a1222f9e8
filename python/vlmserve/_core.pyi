"""Type stubs for the compiled core, ``vlmserve._core`` (Rust, PyO3)."""

import asyncio
from collections.abc import Callable, Sequence
from os import PathLike
from typing import Any

import numpy as np
import numpy.typing as npt

__version__: str

ImageInput = bytes | bytearray | memoryview | str | PathLike[str] | npt.NDArray[np.uint8]

class ImageLoader:
    def __init__(
        self,
        *,
        allowed_roots: Sequence[str | PathLike[str]] = ...,
        allow_urls: bool = False,
        allowed_hosts: Sequence[str] = ...,
        allow_private_networks: bool = False,
        timeout_s: float = 10.0,
        max_bytes: int = ...,
        max_redirects: int = 3,
        max_pixels: int = 89_478_485,
        alpha: str = "drop",
        exif_orientation: bool = True,
    ) -> None: ...
    def load(self, image: ImageInput) -> npt.NDArray[np.uint8]: ...
    def size(self, image: ImageInput) -> tuple[int, int]: ...

class TilePlan:
    @property
    def image_size(self) -> tuple[int, int]: ...
    @property
    def grid(self) -> tuple[int, int]: ...
    @property
    def resized_size(self) -> tuple[int, int]: ...
    @property
    def tile_size(self) -> int: ...
    @property
    def num_tiles(self) -> int: ...
    @property
    def thumbnail(self) -> bool: ...
    @property
    def vision_tokens(self) -> int: ...
    @property
    def aspect_ratio_id(self) -> int: ...
    @property
    def cost(self) -> int: ...

class InternVL3Pipeline:
    def __init__(
        self,
        *,
        tile_size: int = 448,
        min_tiles: int = 1,
        max_tiles: int = 12,
        use_thumbnail: bool = True,
        mean: tuple[float, float, float] | None = None,
        std: tuple[float, float, float] | None = None,
        resample: str = "bicubic",
        dtype: str = "float32",
        tokens_per_tile: int = 256,
        loader: ImageLoader | None = None,
    ) -> None: ...
    def plan(self, image: ImageInput) -> TilePlan: ...
    def plan_for_size(self, width: int, height: int) -> TilePlan: ...
    def process(self, images: Sequence[ImageInput]) -> tuple[npt.NDArray[Any], list[int]]: ...
    def process_each(self, images: Sequence[ImageInput]) -> list[Any]: ...

class MllamaPipeline:
    def __init__(
        self,
        *,
        tile_size: int = 560,
        max_image_tiles: int = 4,
        mean: tuple[float, float, float] | None = None,
        std: tuple[float, float, float] | None = None,
        resample: str = "bilinear",
        dtype: str = "float32",
        tokens_per_tile: int = 1601,
        loader: ImageLoader | None = None,
    ) -> None: ...
    def plan(self, image: ImageInput) -> TilePlan: ...
    def plan_for_size(self, width: int, height: int) -> TilePlan: ...
    def process(
        self, samples: Sequence[Sequence[ImageInput]]
    ) -> tuple[npt.NDArray[Any], npt.NDArray[np.int64], npt.NDArray[np.int64], list[list[int]]]: ...
    def process_each(self, images: Sequence[ImageInput]) -> list[Any]: ...

def resize(
    array: npt.NDArray[np.uint8], size: tuple[int, int], resample: str = "bicubic"
) -> npt.NDArray[np.uint8]: ...

class Ticket:
    @property
    def id(self) -> int: ...
    def result(self, timeout: float | None = None) -> Any: ...
    def exception(self, timeout: float | None = None) -> BaseException | None: ...
    def done(self) -> bool: ...
    def cancel(self) -> bool: ...

class Batcher:
    def __init__(
        self,
        func: Callable[[list[Any]], Sequence[Any]],
        *,
        max_batch_size: int = 32,
        max_batch_cost: int | None = None,
        max_delay_ms: float = 5.0,
        max_queue: int = 10_000,
        workers: int = 1,
        priority_aging_ms: float | None = None,
        on_batch: Callable[..., None] | None = None,
    ) -> None: ...
    def submit_future(
        self,
        item: Any,
        fut: asyncio.Future[Any],
        lp: asyncio.AbstractEventLoop,
        cost: int = 1,
        priority: int = 0,
        deadline_s: float | None = None,
    ) -> int: ...
    def submit_many_future(
        self,
        items: list[Any],
        fut: asyncio.Future[Any],
        lp: asyncio.AbstractEventLoop,
        costs: list[int] | None = None,
        priority: int = 0,
        deadline_s: float | None = None,
        return_exceptions: bool = False,
    ) -> tuple[int, int]: ...
    def put(
        self, item: Any, cost: int = 1, priority: int = 0, deadline_s: float | None = None
    ) -> Ticket: ...
    def run_many(
        self,
        items: list[Any],
        costs: list[int] | None = None,
        priority: int = 0,
        deadline_s: float | None = None,
        return_exceptions: bool = False,
    ) -> list[Any]: ...
    def cancel(self, first: int, n: int = 1) -> int: ...
    def set_max_batch_cost(self, max_batch_cost: int | None) -> None: ...
    @property
    def max_batch_cost(self) -> int | None: ...
    @property
    def max_batch_size(self) -> int: ...
    @property
    def max_delay_ms(self) -> float: ...
    @property
    def pending(self) -> int: ...
    @property
    def closed(self) -> bool: ...
    def close(self, drain: bool = True, timeout_s: float | None = None) -> bool: ...
