//! Synthetic photos for upload tests and benchmarks: gradients with sensor-like
//! noise, which compress like a phone camera's pictures (no real photo ships with
//! the project). Deterministic: the same size gives the same bytes.

/// A `width`×`height` JPEG at `quality` (1–100) with gradients and noise.
pub fn synthetic_jpeg(width: u32, height: u32, quality: u8) -> anyhow::Result<Vec<u8>> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let noise = (state % 24) as i32 - 12;
        let sky = (y * 255 / height.max(1)) as i32;
        let shade = ((x / 97 + y / 61) % 7) as i32 * 9;
        let px = |v: i32| v.clamp(0, 255) as u8;
        image::Rgb([
            px(90 + sky / 3 + shade + noise),
            px(120 + sky / 4 + noise),
            px(200 - sky / 2 + shade / 2 + noise),
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality).encode_image(&img)?;
    Ok(out.into_inner())
}
