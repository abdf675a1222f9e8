//! The one place where core errors become Python exceptions. The classes are defined in
//! `vlmserve/errors.py` so each can also derive from the matching built-in exception.

use pyo3::import_exception;
use pyo3::PyErr;

use crate::error::Error;

import_exception!(vlmserve.errors, VlmServeError);
import_exception!(vlmserve.errors, InvalidImageError);
import_exception!(vlmserve.errors, ImageTooLargeError);
import_exception!(vlmserve.errors, UnsupportedFormatError);
import_exception!(vlmserve.errors, SourceNotAllowedError);
import_exception!(vlmserve.errors, InvalidArgumentError);
import_exception!(vlmserve.errors, FetchError);
import_exception!(vlmserve.errors, DeadlineExceededError);
import_exception!(vlmserve.errors, QueueFullError);
import_exception!(vlmserve.errors, RequestCancelledError);
import_exception!(vlmserve.errors, OutOfMemoryError);
import_exception!(vlmserve.errors, CudaError);

/// The exception class of `err`, carrying `msg`.
fn exception(err: &Error, msg: String) -> PyErr {
    match err {
        Error::InvalidImage(_) => InvalidImageError::new_err(msg),
        Error::ImageTooLarge { .. } => ImageTooLargeError::new_err(msg),
        Error::UnsupportedFormat(_) => UnsupportedFormatError::new_err(msg),
        Error::SourceNotAllowed(_) => SourceNotAllowedError::new_err(msg),
        Error::InvalidArgument(_) => InvalidArgumentError::new_err(msg),
        Error::Fetch(_) => FetchError::new_err(msg),
        Error::DeadlineExceeded(_) => DeadlineExceededError::new_err(msg),
        Error::QueueFull(_) => QueueFullError::new_err(msg),
        Error::Cancelled(_) => RequestCancelledError::new_err(msg),
        Error::OutOfMemory(_) => OutOfMemoryError::new_err(msg),
        Error::Cuda(_) => CudaError::new_err(msg),
        Error::Internal(_) => VlmServeError::new_err(msg),
    }
}

impl From<Error> for PyErr {
    fn from(err: Error) -> PyErr {
        exception(&err, err.to_string())
    }
}

/// The item's error with its position in the batch in front of the message.
pub fn at_index(index: usize, err: &Error) -> PyErr {
    exception(err, format!("image {index}: {err}"))
}
