//! Preparing a photo for sending: decode with limits, apply the EXIF
//! orientation, shrink to at most 1600 px on the long side, and re-encode as
//! JPEG quality 80. Re-encoding drops every EXIF field (GPS included); a
//! location the user chose to share is sent as lat/long fields instead.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};

use crate::Error;

/// Largest input accepted (a phone photo is 2–12 MB).
pub const MAX_INPUT_BYTES: usize = 30 * 1024 * 1024;
/// Largest side accepted on input.
pub const MAX_INPUT_SIDE: u32 = 12_000;
/// Long side after resizing.
pub const MAX_SIDE: u32 = 1600;
/// JPEG quality of the sent photo.
pub const QUALITY: u8 = 80;
/// Long side of the preview.
pub const THUMB_SIDE: u32 = 240;

/// A prepared photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// JPEG bytes to send.
    pub jpeg: Vec<u8>,
    /// Width after resizing.
    pub width: u32,
    /// Height after resizing.
    pub height: u32,
    /// Small JPEG preview.
    pub thumb: Vec<u8>,
}

/// The user's file is not a usable picture.
fn invalid(reason: String) -> Error {
    Error::InvalidInput {
        what: "photo",
        reason,
    }
}

/// Decodes, orients, resizes and re-encodes `bytes`. Errors: `invalid_input`
/// (not JPEG/PNG/WebP, too large, corrupt).
pub fn prepare(bytes: &[u8]) -> Result<Prepared, Error> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(invalid(format!("{} bytes is too large", bytes.len())));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| invalid(e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_INPUT_SIDE);
    limits.max_image_height = Some(MAX_INPUT_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| invalid(e.to_string()))?;
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| invalid(e.to_string()))?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    let img = if img.width().max(img.height()) > MAX_SIDE {
        img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let rgb = DynamicImage::ImageRgb8(img.to_rgb8());
    let jpeg = encode(&rgb, QUALITY)?;
    let thumb = encode(&rgb.thumbnail(THUMB_SIDE, THUMB_SIDE), 70)?;
    Ok(Prepared {
        jpeg,
        width: rgb.width(),
        height: rgb.height(),
        thumb,
    })
}

/// JPEG-encodes an RGB image.
fn encode(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    img.write_with_encoder(encoder)
        .map_err(|e| Error::Internal {
            reason: format!("jpeg encode: {e}"),
        })?;
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A PNG of the given size.
    pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn large_photos_shrink_to_1600_and_become_jpeg() {
        let p = prepare(&png(2000, 1000)).unwrap();
        assert_eq!((p.width, p.height), (1600, 800));
        assert_eq!(&p.jpeg[..2], &[0xFF, 0xD8], "JPEG magic");
        assert!(!p.jpeg.windows(4).any(|w| w == b"Exif"), "no EXIF");
        assert!(!p.thumb.is_empty());
        let small = prepare(&png(30, 20)).unwrap();
        assert_eq!((small.width, small.height), (30, 20));
    }

    #[test]
    fn non_images_are_invalid_input() {
        let err = prepare(b"this is not an image").unwrap_err();
        assert_eq!(err.code(), crate::ErrorCode::InvalidInput);
        let mut truncated = png(50, 50);
        truncated.truncate(60);
        assert!(prepare(&truncated).is_err());
    }
}
