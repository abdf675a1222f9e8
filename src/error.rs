//! One error type for the whole core. `src/py/error.rs` maps each variant to one Python
//! exception class, so every message here must tell the user what to change.

use thiserror::Error as ThisError;

#[derive(Debug, Clone, PartialEq, Eq, ThisError)]
pub enum Error {
    /// The bytes are not a readable image (empty, truncated, corrupt, bad base64...).
    #[error("{0}")]
    InvalidImage(String),
    /// The image is bigger than the configured pixel limit (decompression-bomb guard).
    #[error("image is {width}x{height} = {pixels} pixels, over the limit of {max_pixels}; pass a larger max_pixels if you trust this input, or downscale it first")]
    ImageTooLarge {
        width: u64,
        height: u64,
        pixels: u64,
        max_pixels: u64,
    },
    /// The source (path, URL, address) is outside what the policy allows.
    #[error("{0}")]
    SourceNotAllowed(String),
    /// The bytes are an image format (or a variant of one) this build does not decode.
    #[error("{0}")]
    UnsupportedFormat(String),
    /// A caller-supplied argument is out of range or of the wrong shape/type.
    #[error("{0}")]
    InvalidArgument(String),
    /// A permitted fetch failed (network error, HTTP status, timeout, size cap).
    #[error("{0}")]
    Fetch(String),
    /// A request's deadline passed before it could run.
    #[error("{0}")]
    DeadlineExceeded(String),
    /// The batcher's queue is full (backpressure): retry later or raise max_queue.
    #[error("{0}")]
    QueueFull(String),
    /// The request was cancelled before it ran.
    #[error("{0}")]
    Cancelled(String),
    /// GPU (or host) memory ran out and every recovery tier failed.
    #[error("{0}")]
    OutOfMemory(String),
    /// A CUDA driver call failed (libcuda present but the call returned an error).
    #[error("{0}")]
    Cuda(String),
    /// A bug in vlmserve (e.g. a caught panic); the message asks for a report.
    #[error("internal error in vlmserve: {0}; please report it with the input that caused it")]
    Internal(String),
}

impl Error {
    /// Runs `f`, turning a panic into `Error::Internal` so none crosses into Python or
    /// takes down the other items of a batch.
    pub fn catch_panic<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_string());
            Err(Error::Internal(msg))
        })
    }
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// The name of the Python exception class this error becomes (`src/py/error.rs`), for
    /// places that report an error as data rather than raise it (error records).
    pub fn type_name(&self) -> &'static str {
        match self {
            Error::InvalidImage(_) => "InvalidImageError",
            Error::ImageTooLarge { .. } => "ImageTooLargeError",
            Error::UnsupportedFormat(_) => "UnsupportedFormatError",
            Error::SourceNotAllowed(_) => "SourceNotAllowedError",
            Error::InvalidArgument(_) => "InvalidArgumentError",
            Error::Fetch(_) => "FetchError",
            Error::DeadlineExceeded(_) => "DeadlineExceededError",
            Error::QueueFull(_) => "QueueFullError",
            Error::Cancelled(_) => "RequestCancelledError",
            Error::OutOfMemory(_) => "OutOfMemoryError",
            Error::Cuda(_) => "CudaError",
            Error::Internal(_) => "VlmServeError",
        }
    }
}

impl Error {
    pub fn invalid_image(msg: impl Into<String>) -> Self {
        Error::InvalidImage(msg.into())
    }
    pub fn invalid_argument(msg: impl Into<String>) -> Self {
        Error::InvalidArgument(msg.into())
    }
    pub fn not_allowed(msg: impl Into<String>) -> Self {
        Error::SourceNotAllowed(msg.into())
    }
    pub fn unsupported(msg: impl Into<String>) -> Self {
        Error::UnsupportedFormat(msg.into())
    }
    pub fn fetch(msg: impl Into<String>) -> Self {
        Error::Fetch(msg.into())
    }
}
