//! Checking that uploaded bytes are a photo we accept (JPEG, PNG or WebP that
//! decodes fully within dimension and memory limits) and making the copy we
//! store: [`sanitize`] decodes, applies the EXIF orientation to the pixels and
//! re-encodes, so no EXIF (GPS position, camera, time), XMP, ICC profile or
//! comment of the sender's file survives, whichever client sent it. CPU-bound:
//! call it from `spawn_blocking`.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

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

/// JPEG quality of re-encoded photos (clients already compress; 85 keeps
/// a second generation close to the first).
const JPEG_QUALITY: u8 = 85;

/// A photo as stored: re-encoded bytes and the MIME type of those bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanPhoto {
    /// `image/jpeg` or `image/png`, from the bytes we wrote.
    pub mime: &'static str,
    /// The re-encoded image, without metadata.
    pub bytes: Vec<u8>,
}

fn reject(error: image::ImageError) -> ImageRejected {
    match error {
        image::ImageError::Limits(e) => ImageRejected::TooLarge(e.to_string()),
        e => ImageRejected::Corrupt(e.to_string()),
    }
}

/// Decode `bytes` (format from the bytes, never from what was announced) with
/// the EXIF orientation applied to the pixels.
fn decode(bytes: &[u8]) -> Result<(ImageFormat, DynamicImage), ImageRejected> {
    let format = image::guess_format(bytes).map_err(|_| ImageRejected::UnsupportedFormat)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(ImageRejected::UnsupportedFormat);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(MAX_ALLOC);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(reject)?;
    // A broken EXIF block is not worth refusing a photo for: keep it upright as is.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(reject)?;
    image.apply_orientation(orientation);
    Ok((format, image))
}

/// The MIME type of `bytes` when they are a decodable photo.
pub fn check_image(bytes: &[u8]) -> Result<&'static str, ImageRejected> {
    sanitize(bytes).map(|clean| clean.mime)
}

/// The copy of a photo we store: decoded, turned upright, and re-encoded
/// without any metadata. JPEG stays JPEG and PNG stays PNG; WebP becomes PNG
/// when it has transparency and JPEG otherwise (our `image` build encodes no
/// lossy WebP).
pub fn sanitize(bytes: &[u8]) -> Result<CleanPhoto, ImageRejected> {
    let (format, image) = decode(bytes)?;
    let as_png = match format {
        ImageFormat::Png => true,
        ImageFormat::WebP => image.color().has_alpha(),
        _ => false,
    };
    let mut out = Vec::new();
    if as_png {
        image
            .write_with_encoder(PngEncoder::new(&mut out))
            .map_err(reject)?;
        return Ok(CleanPhoto {
            mime: "image/png",
            bytes: out,
        });
    }
    let flat = if image.color().has_color() {
        DynamicImage::ImageRgb8(image.to_rgb8())
    } else {
        DynamicImage::ImageLuma8(image.to_luma8())
    };
    flat.write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))
        .map_err(reject)?;
    Ok(CleanPhoto {
        mime: "image/jpeg",
        bytes: out,
    })
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

    /// A JPEG with an APP1 EXIF segment (orientation 6: rotate 90° clockwise)
    /// and a comment, written by hand after the SOI marker.
    pub(crate) fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, _| {
            if x < width / 2 {
                image::Rgb([250, 0, 0])
            } else {
                image::Rgb([0, 0, 250])
            }
        });
        let mut plain = Vec::new();
        img.write_with_encoder(JpegEncoder::new_with_quality(&mut plain, 95))
            .unwrap();
        // TIFF header (little endian), one IFD entry: Orientation (0x0112), SHORT, 1, value 6.
        let mut tiff = vec![b'I', b'I', 42, 0, 8, 0, 0, 0, 1, 0];
        tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
        tiff.extend_from_slice(&[0, 0, 0, 0]);
        let mut app1 = b"Exif\0\0".to_vec();
        app1.extend_from_slice(&tiff);
        app1.extend_from_slice(b"GPS 21.0341 105.8372 secret");
        let len = u16::try_from(app1.len() + 2).unwrap().to_be_bytes();
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1, len[0], len[1]]);
        out.extend_from_slice(&app1);
        out.extend_from_slice(&plain[2..]);
        out
    }

    #[test]
    fn sanitize_drops_exif_and_applies_orientation() {
        let dirty = jpeg_with_exif(8, 4);
        assert!(dirty.windows(4).any(|w| w == b"Exif"));
        let clean = sanitize(&dirty).unwrap();
        assert_eq!(clean.mime, "image/jpeg");
        assert!(!clean.bytes.windows(4).any(|w| w == b"Exif"));
        assert!(!clean.bytes.windows(6).any(|w| w == b"secret"));
        let back = image::load_from_memory(&clean.bytes).unwrap();
        // Orientation 6 turned the 8×4 picture upright: 4×8.
        assert_eq!((back.width(), back.height()), (4, 8));
        let png = sanitize(&png()).unwrap();
        assert_eq!(png.mime, "image/png");
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
