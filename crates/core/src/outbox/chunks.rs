//! How many bytes of a photo to send per upload chunk, following the link (issue 12).
//!
//! The server keeps every byte of a chunk that arrives, even when the connection
//! is cut mid-way, so a chunk too big for the link no longer loses its bytes;
//! but a chunk must still finish within the transport's read-idle timeout (its
//! answer comes only after the whole body went up), and a smaller chunk tells
//! the user about progress more often. On Wi-Fi a 1 MiB chunk takes a moment;
//! on 2G (32 kbit/s up, about 4 KB/s) 256 KiB took a minute and never finished.
//! So the size starts small ([`START_CHUNK`], 32 KiB: 8 s on 2G) and is set
//! after each chunk from the throughput it measured, aiming at [`TARGET`] per
//! chunk, at most doubling or halving at a time. A chunk cut in flight changes
//! nothing: its bytes were kept, and a smaller chunk would only add round trips
//! (halving after each cut, tried on the flapping link, saved no drain and took
//! 6 % longer). The learned size is kept per profile, so the next drain starts
//! from it.
//!
//! Pure arithmetic: the drain measures the time and keeps the size.

use std::time::Duration;

/// First chunk size of a profile that has learned nothing yet.
pub const START_CHUNK: usize = 32 * 1024;
/// Smallest chunk: below this, round trips cost more than the bytes.
pub const MIN_CHUNK: usize = 8 * 1024;
/// Largest chunk (a phone photo prepared for upload is about 160 KB).
pub const MAX_CHUNK: usize = 1024 * 1024;
/// How long one chunk should take: short against the 30 s read-idle timeout and
/// the 5 s up periods of a flapping link, long against a 2G round trip (1.3 s).
pub const TARGET: Duration = Duration::from_secs(6);

/// The chunk size of a profile's uploads, adapting to the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkSize {
    bytes: usize,
}

impl ChunkSize {
    /// The size to start with: a learned size, if one was kept, else [`START_CHUNK`].
    pub fn start(learned: Option<usize>) -> ChunkSize {
        ChunkSize {
            bytes: learned.unwrap_or(START_CHUNK).clamp(MIN_CHUNK, MAX_CHUNK),
        }
    }

    /// Bytes to send in the next chunk.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// A chunk of `sent` bytes was answered after `took` (request sent to answer
    /// read): size the next from the throughput, within half to twice this one.
    /// A last chunk shorter than the size says little about the link and never
    /// shrinks it. Returns whether the size changed.
    pub fn after_chunk(&mut self, sent: usize, took: Duration) -> bool {
        let before = self.bytes;
        let secs = took.as_secs_f64().max(0.001);
        // The float-to-int cast saturates; the clamps below bound it anyway.
        let ideal = (sent as f64 / secs * TARGET.as_secs_f64()) as usize;
        let mut next = ideal.clamp(self.bytes / 2, self.bytes.saturating_mul(2));
        if sent < self.bytes {
            next = next.max(self.bytes);
        }
        self.bytes = next.clamp(MIN_CHUNK, MAX_CHUNK);
        self.bytes != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_small_and_keeps_learned_sizes_in_range() {
        assert_eq!(ChunkSize::start(None).bytes(), START_CHUNK);
        assert_eq!(ChunkSize::start(Some(100_000)).bytes(), 100_000);
        assert_eq!(ChunkSize::start(Some(1)).bytes(), MIN_CHUNK);
        assert_eq!(ChunkSize::start(Some(usize::MAX)).bytes(), MAX_CHUNK);
    }

    #[test]
    fn follows_the_measured_throughput() {
        // Loopback: 32 KiB in 5 ms doubles, up to the cap.
        let mut size = ChunkSize::start(None);
        assert!(size.after_chunk(size.bytes(), Duration::from_millis(5)));
        assert_eq!(size.bytes(), 2 * START_CHUNK);
        for _ in 0..10 {
            size.after_chunk(size.bytes(), Duration::from_millis(5));
        }
        assert_eq!(size.bytes(), MAX_CHUNK);
        // 2G: about 4 KB/s with a 1.3 s round trip; 32 KiB took 9.5 s.
        let mut size = ChunkSize::start(None);
        assert!(size.after_chunk(START_CHUNK, Duration::from_millis(9_500)));
        let bytes = size.bytes();
        assert!((20_000..=21_000).contains(&bytes), "{bytes}");
        // It settles: a chunk of that size in about the target keeps it.
        assert!(!size.after_chunk(bytes, TARGET));
        // A slow link never halves more than once per chunk.
        assert!(size.after_chunk(bytes, Duration::from_secs(600)));
        assert_eq!(size.bytes(), bytes / 2);
    }

    #[test]
    fn a_short_last_chunk_does_not_shrink() {
        let mut size = ChunkSize::start(Some(64 * 1024));
        assert!(!size.after_chunk(1000, Duration::from_secs(2)));
        assert_eq!(size.bytes(), 64 * 1024);
        // Nor does a slow link take it below the floor.
        for _ in 0..10 {
            size.after_chunk(size.bytes(), Duration::from_secs(600));
        }
        assert_eq!(size.bytes(), MIN_CHUNK);
    }
}
