//! The errors of this crate: a compact network that does not decode or does not hold together.
//! Ingest problems are not errors but entries of [`crate::ingest::Report`].

use thiserror::Error;

/// Why a compact network or a query cannot be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum TransitError {
    /// The bytes are not a compact network of a version this build reads.
    #[error("not a compact bus network (bad magic or version {0})")]
    Format(u8),
    /// The compressed body does not inflate.
    #[error("compressed bus network does not inflate: {0}")]
    Wire(std::io::Error),
    /// The bytes are a compact network but do not decode.
    #[error("compact bus network does not decode: {0}")]
    Decode(#[from] postcard::Error),
    /// A decoded network refers to something it does not hold (index out of range).
    #[error("compact bus network is inconsistent: {0}")]
    Inconsistent(String),
    /// The feed's time zone is not an IANA zone this build knows.
    #[error("unknown time zone {0:?}")]
    TimeZone(String),
    /// A stop id that the network does not hold.
    #[error("unknown stop {0:?}")]
    UnknownStop(String),
}
