//! Reading a permit certificate's QR code from a picture: the officer's camera on site (in the
//! browser) and the printed certificate in the tests use the same decoder.

/// The first QR code found in a greyscale picture `width` × `height`, given as a function from
/// pixel to brightness (0 black, 255 white).
pub fn decode_luma(width: usize, height: usize, luma: impl FnMut(usize, usize) -> u8) -> Option<String> {
    if width == 0 || height == 0 {
        return None;
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(width, height, luma);
    img.detect_grids().into_iter().find_map(|g| g.decode().ok().map(|(_, text)| text))
}

/// The same from RGBA bytes, as a canvas hands them over.
pub fn decode_rgba(width: usize, height: usize, rgba: &[u8]) -> Option<String> {
    if rgba.len() < width.saturating_mul(height).saturating_mul(4) {
        return None;
    }
    decode_luma(width, height, |x, y| {
        let i = (y * width + x) * 4;
        ((rgba[i] as u32 * 299 + rgba[i + 1] as u32 * 587 + rgba[i + 2] as u32 * 114) / 1000) as u8
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn nothing_to_read_is_none_not_a_panic() {
        assert_eq!(decode_rgba(0, 0, &[]), None);
        assert_eq!(decode_rgba(10, 10, &[0; 12]), None);
        let white = vec![255u8; 40 * 40 * 4];
        assert_eq!(decode_rgba(40, 40, &white), None);
    }
}
