"""Every bad input raises its own exception type with a message that says what to change,
never a panic; one bad item never costs the others. Connections go to loopback only."""

from __future__ import annotations

import http.server
import os
import threading

import numpy as np
import pytest

import vlmserve
from conftest import document, encode
from vlmserve import (
    ImageTooLargeError,
    InvalidArgumentError,
    InvalidImageError,
    SourceNotAllowedError,
    UnsupportedFormatError,
    VlmServeError,
)

PNG = encode(document(64, 48), "PNG")
JPEG = encode(document(64, 48), "JPEG")


def pre(**loader):
    return vlmserve.InternVL3Preprocessor(loader=vlmserve.ImageLoader(**loader))


def test_empty_bytes():
    with pytest.raises(InvalidImageError, match="empty"):
        pre()(b"")


def test_bad_base64_in_data_url():
    with pytest.raises(InvalidImageError, match="base64"):
        pre()("data:image/png;base64,@@@not-base64@@@")


def test_wrong_data_url_prefix():
    with pytest.raises(InvalidImageError, match="data:image/"):
        pre()("data:text/plain;base64,aGVsbG8=")


def test_base64_and_data_url_that_work():
    import base64

    b64 = base64.b64encode(PNG).decode()
    assert len(b64) >= 256
    ref = pre()(PNG)["pixel_values"]
    assert np.array_equal(pre()(b64)["pixel_values"], ref)
    assert np.array_equal(pre()(f"data:image/png;base64,{b64}")["pixel_values"], ref)


def test_base64_of_garbage_is_not_an_image():
    import base64

    with pytest.raises((InvalidImageError, UnsupportedFormatError)):
        pre()(base64.b64encode(os.urandom(300)).decode().replace("/", "A"))


def test_path_outside_roots(tmp_path):
    root, other = tmp_path / "root", tmp_path / "other"
    root.mkdir()
    other.mkdir()
    (other / "x.png").write_bytes(PNG)
    (root / "ok.png").write_bytes(PNG)
    p = pre(allowed_roots=[root])
    assert p(root / "ok.png")["num_patches"] == [13]  # 4:3 picks the 4x3 grid + thumbnail
    with pytest.raises(SourceNotAllowedError, match="allowed_roots"):
        p(other / "x.png")
    with pytest.raises(SourceNotAllowedError):
        p(str(root / ".." / "other" / "x.png"))
    (root / "link.png").symlink_to(other / "x.png")
    with pytest.raises(SourceNotAllowedError):
        p(root / "link.png")


def test_missing_file_and_directory(tmp_path):
    p = pre(allowed_roots=[tmp_path])
    with pytest.raises(VlmServeError, match="no such|not found|does not exist"):
        p(tmp_path / "missing.png")
    with pytest.raises(InvalidArgumentError, match="directory"):
        p(str(tmp_path))


def test_paths_refused_when_no_roots(tmp_path):
    (tmp_path / "a.png").write_bytes(PNG)
    with pytest.raises(SourceNotAllowedError):
        pre(allowed_roots=[])(tmp_path / "a.png")


def test_url_refused_by_default():
    with pytest.raises(SourceNotAllowedError, match="allow_urls"):
        pre()("http://127.0.0.1:9/x.png")


def test_loopback_url_refused_even_with_urls_on():
    with pytest.raises(SourceNotAllowedError, match="loopback|private"):
        pre(allow_urls=True)("http://127.0.0.1:9/x.png")


def test_other_schemes_refused():
    with pytest.raises(SourceNotAllowedError, match="http"):
        pre(allow_urls=True)("file:///etc/passwd")


@pytest.fixture()
def image_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            if self.path == "/doc.png":
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(PNG)))
                self.end_headers()
                self.wfile.write(PNG)
            elif self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "/doc.png")
                self.end_headers()
            else:
                self.send_response(404)
                self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_loopback_url_allowed_explicitly(image_server):
    p = pre(allow_urls=True, allow_private_networks=True)
    ref = pre()(PNG)["pixel_values"]
    assert np.array_equal(p(f"{image_server}/doc.png")["pixel_values"], ref)
    assert np.array_equal(p(f"{image_server}/redirect")["pixel_values"], ref)
    with pytest.raises(vlmserve.FetchError, match="404"):
        p(f"{image_server}/missing.png")
    with pytest.raises(SourceNotAllowedError, match="allowed_hosts"):
        pre(allow_urls=True, allow_private_networks=True, allowed_hosts=["example.org"])(
            f"{image_server}/doc.png"
        )
    with pytest.raises(VlmServeError, match="max_bytes|bytes"):
        pre(allow_urls=True, allow_private_networks=True, max_bytes=100)(f"{image_server}/doc.png")


def test_oversize_image():
    with pytest.raises(ImageTooLargeError, match="max_pixels"):
        pre(max_pixels=1000)(PNG)


def test_bomb_header_refused_before_decoding():
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")
    with pytest.raises(ImageTooLargeError):
        pre()(bomb)
    assert vlmserve.ImageLoader(max_pixels=10**11).size(bomb) == (100_000, 100_000)


def test_truncated_jpeg_and_png():
    with pytest.raises(InvalidImageError, match="truncated|corrupt|premature|invalid"):
        pre()(JPEG[: len(JPEG) // 2])
    with pytest.raises(InvalidImageError):
        pre()(PNG[: len(PNG) // 2])


def test_unsupported_format():
    gif = encode(document(32, 32), "GIF")
    with pytest.raises(UnsupportedFormatError, match="PNG|JPEG"):
        pre()(gif)


def test_zero_sized_array():
    with pytest.raises(InvalidImageError, match="at least one pixel"):
        pre()(np.zeros((0, 10, 3), np.uint8))


def test_wrong_dtype_and_shape():
    with pytest.raises(InvalidArgumentError, match="uint8"):
        pre()(np.zeros((10, 10, 3), np.float32))
    with pytest.raises(InvalidArgumentError, match="HxWx3"):
        pre()(np.zeros((10, 10, 5), np.uint8))
    with pytest.raises(InvalidArgumentError, match="type int"):
        pre()(5)


def test_non_contiguous_array_is_accepted():
    arr = np.asarray(document(64, 48))
    assert np.array_equal(
        pre()(arr[:, ::-1])["pixel_values"], pre()(arr[:, ::-1].copy())["pixel_values"]
    )


def test_batch_error_names_the_index():
    with pytest.raises(InvalidImageError, match="image 2"):
        pre()([PNG, JPEG, b"junk", PNG])


def test_bad_configuration():
    with pytest.raises(InvalidArgumentError, match="max_tiles"):
        vlmserve.InternVL3Preprocessor(max_tiles=0)
    with pytest.raises(InvalidArgumentError, match="dtype"):
        vlmserve.InternVL3Preprocessor(dtype="int8")
    with pytest.raises(InvalidArgumentError, match="resample"):
        vlmserve.MllamaPreprocessor(resample="cubic")
    with pytest.raises(InvalidArgumentError, match="alpha"):
        vlmserve.ImageLoader(alpha="black")
    with pytest.raises(InvalidArgumentError, match="at least one"):
        vlmserve.MllamaPreprocessor()([])


def test_random_and_mutated_bytes_never_panic():
    rng = np.random.default_rng(0)
    blobs = [rng.bytes(int(n)) for n in rng.integers(0, 2000, 150)]
    for seed in [PNG, JPEG, encode(document(40, 30), "WEBP"), encode(document(40, 30), "TIFF")]:
        for _ in range(60):
            b = bytearray(seed)
            for i in rng.integers(0, len(b), 8):
                b[i] = int(rng.integers(0, 256))
            blobs.append(bytes(b[: int(rng.integers(1, len(b) + 1))]))
    results = pre().process_each(blobs)
    assert len(results) == len(blobs)
    for r in results:
        assert isinstance(r, (dict, VlmServeError)), repr(r)
