//! Checking that an upload announced as `application/pdf` is one, before it
//! is kept as an announcement's attachment. The server never renders or
//! rewrites a PDF: it checks the frame (the `%PDF-` header as the very first
//! bytes, so a file cannot be HTML and PDF at once, and an `%%EOF` trailer
//! near the end), and the media route serves it as a download in a sandbox,
//! so a crafted file cannot act in our origin.

/// MIME type of accepted documents.
pub const PDF_MIME: &str = "application/pdf";

/// The trailer is looked for in the last bytes (readers tolerate trailing junk).
const TRAILER_WINDOW: usize = 1024;

/// Why bytes are not an accepted PDF.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum PdfRejected {
    /// Does not start with a `%PDF-1.x`/`%PDF-2.x` header (readers would
    /// look further, but a PDF from an office suite starts with it).
    #[error("no PDF header")]
    NoHeader,
    /// No `%%EOF` in the last 1,024 bytes (a cut or non-PDF file).
    #[error("no PDF trailer")]
    NoTrailer,
}

/// Checks the frame of a PDF.
pub fn check_pdf(bytes: &[u8]) -> Result<(), PdfRejected> {
    let has_header = bytes.len() >= 7
        && bytes.starts_with(b"%PDF-")
        && matches!(bytes[5], b'1' | b'2')
        && bytes[6] == b'.';
    if !has_header {
        return Err(PdfRejected::NoHeader);
    }
    let tail = &bytes[bytes.len().saturating_sub(TRAILER_WINDOW)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(PdfRejected::NoTrailer);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_framed_pdf_passes_and_cut_or_foreign_files_do_not() {
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
        assert_eq!(check_pdf(&pdf), Ok(()));
        assert_eq!(check_pdf(&pdf[..20]), Err(PdfRejected::NoTrailer));
        assert_eq!(check_pdf(b"<html>%%EOF"), Err(PdfRejected::NoHeader));
        assert_eq!(check_pdf(b"%PDF-x\n%%EOF"), Err(PdfRejected::NoHeader));
        assert_eq!(check_pdf(b""), Err(PdfRejected::NoHeader));
        assert_eq!(
            check_pdf(b"<html><script></script>%PDF-1.4\n%%EOF"),
            Err(PdfRejected::NoHeader),
            "a file that is HTML first is no PDF"
        );
    }
}
