//! Synthetic photos (and a PDF) for upload tests and benchmarks: gradients with sensor-like
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

/// A one-page PDF showing `text` (ASCII), with a correct cross-reference table,
/// for attachment tests: what a commune's office exports from a word processor,
/// in miniature. Deterministic.
pub fn synthetic_pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
         /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}
