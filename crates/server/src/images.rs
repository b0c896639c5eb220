//! Checking that uploaded bytes are a photo we accept: JPEG, PNG or WebP that
//! decodes fully within dimension and memory limits. CPU-bound: call it from
//! `spawn_blocking`.
//!
//! It does not resize or strip metadata (clients re-encode before sending).

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

/// Largest accepted width or height, in pixels.
pub const MAX_DIMENSION: u32 = 12_000;
/// Most memory a decode may use.
const MAX_ALLOC: u64 = 256 * 1024 * 1024;

/// Why bytes are not an accepted photo.
#[derive(Debug, thiserror::Error)]
pub enum ImageRejected {
    /// Not JPEG, PNG or WebP (by content, whatever was announced).
    #[error("not a JPEG, PNG or WebP image")]
    UnsupportedFormat,
    /// Larger than [`MAX_DIMENSION`] or too much memory to decode.
    #[error("image too large: {0}")]
    TooLarge(String),
    /// The bytes do not decode.
    #[error("image does not decode: {0}")]
    Corrupt(String),
}

/// The MIME type of `bytes` when they are a decodable photo.
pub fn check_image(bytes: &[u8]) -> Result<&'static str, ImageRejected> {
    let format = image::guess_format(bytes).map_err(|_| ImageRejected::UnsupportedFormat)?;
    let mime = match format {
        ImageFormat::Jpeg => "image/jpeg",
        ImageFormat::Png => "image/png",
        ImageFormat::WebP => "image/webp",
        _ => return Err(ImageRejected::UnsupportedFormat),
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    match reader.decode() {
        Ok(_) => Ok(mime),
        Err(image::ImageError::Limits(e)) => Err(ImageRejected::TooLarge(e.to_string())),
        Err(e) => Err(ImageRejected::Corrupt(e.to_string())),
    }
}

/// Whether a announced `Content-Type` is one we take.
pub fn accepted_mime(mime: &str) -> bool {
    matches!(mime, "image/jpeg" | "image/png" | "image/webp")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png() -> Vec<u8> {
        let img = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 10, 10]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn accepts_png_and_rejects_others() {
        assert_eq!(check_image(&png()).unwrap(), "image/png");
        assert!(matches!(
            check_image(b"hello, not an image"),
            Err(ImageRejected::UnsupportedFormat)
        ));
        let mut cut = png();
        cut.truncate(cut.len() / 2);
        assert!(check_image(&cut).is_err());
    }
}
