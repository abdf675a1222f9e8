"""Request bodies of the serving adapters, read into images for the
:class:`~vlmserve.backends.Extractor`, and the HTTP status each vlmserve error maps to.

A request carries one of:

* the image file's bytes as the whole body (any content type but JSON);
* ``{"image": "<base64>"}`` or ``{"image": "data:image/png;base64,..."}``: inline only, never
  read as a path or URL;
* ``{"image_path": "/data/scans/a.jpg"}``: a file under the backend's ``allowed_roots``;
* ``{"image_url": "https://..."}``: fetched only when the backend allows URLs;
* ``{"images": [...]}``: several images, each a base64 / data URL string or an object with
  one of the keys above; the answer is then a list of records, in order.

An image object may add ``"name"``, the record's ``document`` (default: the path, the URL,
or the server's request id). Nothing else is accepted: an unknown key is an error, not
ignored.

>>> req = parse_body({"image_path": "/data/scans/a.jpg"})
>>> req.images, req.names, req.many
([PosixPath('/data/scans/a.jpg')], ['/data/scans/a.jpg'], False)
>>> parse_body(b'{"image": 1}')
Traceback (most recent call last):
...
vlmserve.errors.InvalidArgumentError: "image" must be a string (base64 or a data URL), got int
>>> http_status(SourceNotAllowedError("path outside the allowed roots"))
(403, 'Forbidden')
>>> http_status("UnsupportedFormatError")      # an output record's error.type
(415, 'Unsupported Media Type')
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

from vlmserve import errors
from vlmserve.errors import (
    DeadlineExceededError,
    FetchError,
    ImageTooLargeError,
    InvalidArgumentError,
    InvalidImageError,
    OutOfMemoryError,
    QueueFullError,
    SourceNotAllowedError,
    UnsupportedFormatError,
)
from vlmserve.preprocess import ImageLike

__all__ = ["IMAGE_KEYS", "ImageRequest", "http_status", "parse_body"]

IMAGE_KEYS = ("image", "image_path", "image_url")
"""The keys that name one image; a request object carries exactly one of them or ``images``."""

_OPTIONAL_KEYS = ("name",)

# Most specific first: subclasses before their bases.
_STATUS_OF: tuple[tuple[type[BaseException], HTTPStatus], ...] = (
    (ImageTooLargeError, HTTPStatus.REQUEST_ENTITY_TOO_LARGE),
    (UnsupportedFormatError, HTTPStatus.UNSUPPORTED_MEDIA_TYPE),
    (InvalidImageError, HTTPStatus.UNPROCESSABLE_ENTITY),
    (SourceNotAllowedError, HTTPStatus.FORBIDDEN),
    (InvalidArgumentError, HTTPStatus.BAD_REQUEST),
    (FetchError, HTTPStatus.BAD_GATEWAY),
    (QueueFullError, HTTPStatus.SERVICE_UNAVAILABLE),
    (DeadlineExceededError, HTTPStatus.GATEWAY_TIMEOUT),
    (OutOfMemoryError, HTTPStatus.INSUFFICIENT_STORAGE),
)


def http_status(error: BaseException | str) -> tuple[int, str]:
    """The HTTP status code and phrase that answer a request failing with ``error`` (the
    exception, or its type's name as an output record's ``error.type`` holds it): 4xx for
    what the client can fix, 5xx for the server's own failures."""
    kind = getattr(errors, error, None) if isinstance(error, str) else type(error)
    for base, status in _STATUS_OF:
        if isinstance(kind, type) and issubclass(kind, base):
            return status.value, status.phrase
    return HTTPStatus.INTERNAL_SERVER_ERROR.value, HTTPStatus.INTERNAL_SERVER_ERROR.phrase


@dataclass(frozen=True)
class ImageRequest:
    """One request's images (as the Extractor takes them) and their record names.

    ``names`` holds ``None`` where the request gave no name and the image has no path or
    URL to be named by; ``many`` says whether to answer with a list of records.
    """

    images: list[ImageLike]
    names: list[str | None]
    many: bool


def parse_body(body: Any, content_type: str | None = None) -> ImageRequest:
    """Reads a request body: a parsed JSON object, JSON text or bytes, or image bytes.

    ``content_type`` (the request's, if known) says whether bytes are JSON; bytes that
    start with ``{`` are read as JSON too, as no image format starts that way.

    Raises:
        InvalidArgumentError: malformed JSON, an unknown key, or a value of the wrong type.
        InvalidImageError: an empty body.
    """
    if isinstance(body, Mapping):
        return _parse_object(body)
    if isinstance(body, (bytes, bytearray, memoryview)):
        data = bytes(body)
        if not data.strip():
            raise InvalidImageError("the request body is empty; send an image or a JSON object")
        if _is_json(content_type) or data.lstrip()[:1] == b"{":
            return _parse_object(_json_object(data))
        return ImageRequest([data], [None], many=False)
    if isinstance(body, str):
        if body.lstrip()[:1] == "{":
            return _parse_object(_json_object(body))
        return _parse_object({"image": body})
    raise InvalidArgumentError(
        f"cannot read a request body of type {type(body).__name__}; send image bytes or a "
        f"JSON object with one of {', '.join(IMAGE_KEYS)} or images"
    )


def _is_json(content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _json_object(text: str | bytes) -> Mapping[str, Any]:
    try:
        obj = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InvalidArgumentError(
            f"the request body is not valid JSON ({err}); send a JSON object such as "
            '{"image": "<base64>"}, or the raw image bytes with an image content type'
        ) from err
    if not isinstance(obj, Mapping):
        raise InvalidArgumentError(
            f"the JSON body is a {type(obj).__name__}, not an object; wrap it as "
            '{"image": ...} or {"images": [...]}'
        )
    return obj


def _parse_object(obj: Mapping[str, Any]) -> ImageRequest:
    if "images" in obj:
        _check_keys(obj, ("images",))  # names go on the items
        items = obj["images"]
        if not isinstance(items, list) or not items:
            raise InvalidArgumentError(
                '"images" must be a non-empty list of base64 / data URL strings or objects '
                'such as {"image_path": ...}'
            )
        parsed = [_one_image({"image": i} if isinstance(i, str) else i) for i in items]
        return ImageRequest([p[0] for p in parsed], [p[1] for p in parsed], many=True)
    image, name = _one_image(obj)
    return ImageRequest([image], [name], many=False)


def _one_image(obj: Any) -> tuple[ImageLike, str | None]:
    if not isinstance(obj, Mapping):
        raise InvalidArgumentError(
            f"an image entry is a {type(obj).__name__}; use a base64 / data URL string or an "
            f"object with one of {', '.join(IMAGE_KEYS)}"
        )
    _check_keys(obj, (*IMAGE_KEYS, *_OPTIONAL_KEYS))
    given = [k for k in IMAGE_KEYS if k in obj]
    if len(given) != 1:
        raise InvalidArgumentError(
            f"a request names one image with exactly one of {', '.join(IMAGE_KEYS)} "
            f"(or several with images); got {given or 'none'}"
        )
    key = given[0]
    value, name = obj[key], obj.get("name")
    if not isinstance(value, str) or not value:
        raise InvalidArgumentError(f'"{key}" must be a string {_FORM[key]}, got {_type(value)}')
    if name is not None and not isinstance(name, str):
        raise InvalidArgumentError(f'"name" must be a string, got {_type(name)}')
    return _SOURCE[key](value), name if name is not None else _default_name(key, value)


def _check_keys(obj: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(str(k) for k in obj if k not in allowed)
    if unknown:
        raise InvalidArgumentError(
            f"unknown key(s) {unknown} in the request; allowed here: {', '.join(allowed)}"
        )


def _type(value: Any) -> str:
    return "an empty string" if value == "" else type(value).__name__


def _inline(value: str) -> str:
    # The core reads a string by its shape (path, URL, base64); naming the payload a data URL
    # makes an "image" value inline data whatever it looks like, never a path or a URL.
    if value.lstrip()[:5].lower() == "data:":
        return value
    return "data:image/unknown;base64," + value


def _path(value: str) -> Path:
    if "://" in value or value.lstrip()[:5].lower() == "data:":
        raise InvalidArgumentError(
            f'"image_path" must be a file path, got {value[:60]!r}; send URLs as "image_url" '
            'and inline data as "image"'
        )
    return Path(value)


def _url(value: str) -> str:
    if not value.lower().startswith(("http://", "https://")):
        raise InvalidArgumentError(
            f'"image_url" must start with http:// or https://, got {value[:60]!r}; send paths '
            'as "image_path"'
        )
    return value


def _default_name(key: str, value: str) -> str | None:
    return None if key == "image" else value


_SOURCE = {"image": _inline, "image_path": _path, "image_url": _url}
_FORM = {
    "image": "(base64 or a data URL)",
    "image_path": "(a file path)",
    "image_url": "(an http(s) URL)",
}
