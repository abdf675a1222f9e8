"""Request-body parsing shared by the serving adapters: every accepted form, and every
malformed one with its HTTP status and a message that says what to change."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from conftest import document, encode
from vlmserve import (
    DeadlineExceededError,
    FetchError,
    ImageLoader,
    ImageTooLargeError,
    InvalidArgumentError,
    InvalidImageError,
    OutOfMemoryError,
    QueueFullError,
    SourceNotAllowedError,
    UnsupportedFormatError,
)
from vlmserve.serving.inputs import ImageRequest, http_status, parse_body

PNG = encode(document(120, 90), "PNG")
B64 = base64.b64encode(PNG).decode()


def _load(request: ImageRequest, roots: list[str] | None = None) -> list[tuple[int, int]]:
    """What the core makes of each parsed image: its (width, height)."""
    loader = ImageLoader(allowed_roots=roots or [])
    return [loader.size(image) for image in request.images]


@pytest.mark.parametrize(
    "body, content_type",
    [
        (PNG, "image/png"),
        (bytearray(PNG), None),  # TorchServe hands raw bodies over as bytearray
        ({"image": B64}, None),
        ({"image": "data:image/png;base64," + B64}, None),
        (json.dumps({"image": B64}).encode(), "application/json"),
        (json.dumps({"image": B64}).encode(), "application/octet-stream"),  # JSON by its "{"
        (json.dumps({"image": B64}), "text/plain"),
        (B64, "text/plain"),
    ],
    ids=["bytes", "bytearray", "base64", "data-url", "json-bytes", "json-sniffed", "json-text",
         "text-base64"],
)  # fmt: skip
def test_single_image_forms(body, content_type):
    request = parse_body(body, content_type)
    assert not request.many
    assert request.names == [None]
    assert _load(request) == [(120, 90)]


def test_image_path_is_a_path_named_by_itself(tmp_path: Path):
    (tmp_path / "a.png").write_bytes(PNG)
    request = parse_body({"image_path": str(tmp_path / "a.png")})
    assert request.images == [tmp_path / "a.png"]
    assert request.names == [str(tmp_path / "a.png")]
    assert _load(request, [str(tmp_path)]) == [(120, 90)]


def test_image_url_is_named_by_itself():
    request = parse_body({"image_url": "https://example.com/a.png", "name": "scan-7"})
    assert request.images == ["https://example.com/a.png"]
    assert request.names == ["scan-7"]


def test_many_images_mixed_forms_in_order(tmp_path: Path):
    (tmp_path / "b.png").write_bytes(PNG)
    body = {
        "images": [
            B64,
            {"image": "data:image/png;base64," + B64, "name": "second"},
            {"image_path": str(tmp_path / "b.png")},
        ]
    }
    request = parse_body(body)
    assert request.many
    assert request.names == [None, "second", str(tmp_path / "b.png")]
    assert _load(request, [str(tmp_path)]) == [(120, 90)] * 3


def test_short_base64_stays_inline_not_a_path():
    # Under 256 characters the core would read a bare string as a path; "image" never is.
    tiny = base64.b64encode(encode(document(4, 3), "PNG")).decode()
    assert len(tiny) < 256
    assert _load(parse_body({"image": tiny})) == [(4, 3)]


@pytest.mark.parametrize(
    "body, content_type, message",
    [
        (b'{"image": ', "application/json", "not valid JSON"),
        (b"\xff\xfe{", "application/json", "not valid JSON"),
        (b"[1, 2]", "application/json", "not an object"),
        ({"img": B64}, None, "unknown key(s) ['img']"),
        ({"image": B64, "extra": 1}, None, "unknown key(s) ['extra']"),
        ({}, None, "exactly one of image, image_path, image_url"),
        ({"image": B64, "image_path": "/a.png"}, None, "exactly one of"),
        ({"image": 5}, None, '"image" must be a string (base64 or a data URL), got int'),
        ({"image": ""}, None, "got an empty string"),
        ({"image_path": "https://example.com/a.png"}, None, 'send URLs as "image_url"'),
        ({"image_path": "data:image/png;base64,AAAA"}, None, 'inline data as "image"'),
        ({"image_url": "/etc/passwd"}, None, 'send paths as "image_path"'),
        ({"image_url": "file:///etc/passwd"}, None, "must start with http:// or https://"),
        ({"image": B64, "name": 3}, None, '"name" must be a string'),
        ({"images": []}, None, '"images" must be a non-empty list'),
        ({"images": B64}, None, '"images" must be a non-empty list'),
        ({"images": [B64], "image": B64}, None, "unknown key(s) ['image']"),
        ({"images": [B64], "name": "a"}, None, "unknown key(s) ['name']"),
        ({"images": [7]}, None, "an image entry is a int"),
        ({"images": [{"image_url": "ftp://x/y.png"}]}, None, "http:// or https://"),
        (12, None, "cannot read a request body of type int"),
    ],
)
def test_malformed_requests_are_400_with_a_fix(body, content_type, message):
    with pytest.raises(InvalidArgumentError) as err:
        parse_body(body, content_type)
    assert message in str(err.value)
    assert http_status(err.value) == (400, "Bad Request")


@pytest.mark.parametrize("body", [b"", b"  \n", bytearray()])
def test_empty_body_is_an_invalid_image(body):
    with pytest.raises(InvalidImageError, match="body is empty; send an image"):
        parse_body(body)


def test_bad_image_data_fails_at_load_with_its_status():
    """Parsing accepts any bytes; the core decides, and the error maps to a 4xx."""
    loader = ImageLoader(allowed_roots=[])
    junk = parse_body(b"junk bytes, not an image", "application/octet-stream")
    with pytest.raises(UnsupportedFormatError) as err:
        loader.load(junk.images[0])
    assert http_status(err.value)[0] == 415
    bad_b64 = parse_body({"image": "!!!not base64!!!"})
    with pytest.raises(InvalidImageError) as err:
        loader.load(bad_b64.images[0])
    assert http_status(err.value)[0] == 422
    outside = parse_body({"image_path": "/etc/hostname"})
    with pytest.raises(SourceNotAllowedError) as err:
        loader.load(outside.images[0])
    assert http_status(err.value)[0] == 403


@pytest.mark.parametrize(
    "error, status",
    [
        (InvalidArgumentError("x"), 400),
        (SourceNotAllowedError("x"), 403),
        (ImageTooLargeError("x"), 413),
        (UnsupportedFormatError("x"), 415),
        (InvalidImageError("x"), 422),
        (FetchError("x"), 502),
        (QueueFullError("x"), 503),
        (DeadlineExceededError("x"), 504),
        (OutOfMemoryError("x"), 507),
        (RuntimeError("x"), 500),
    ],
)
def test_http_status_by_exception_and_by_record_type_name(error, status):
    assert http_status(error)[0] == status
    assert http_status(type(error).__name__)[0] == status  # as a record's error.type holds it
