//! A JPEG's metadata dropped without decoding it: the picture's own segments (tables, frame,
//! scans) are copied byte for byte and every metadata segment is left out.
//!
//! Decoding and encoding again took a quarter of the server's CPU in the application rush
//! (`xtask/bench/results/rush-profile.md`) and a decoded photo's pixels in memory for each upload
//! in flight. A photo that is already upright and small enough needs neither: only its metadata has
//! to go. Anything this reader does not understand is left to the decoder (`None`).

/// A JPEG without its metadata, and what the metadata said that still matters.
#[derive(Debug, PartialEq, Eq)]
pub struct Stripped {
    pub bytes: Vec<u8>,
    /// The EXIF orientation tag (1 = upright, also when there is none).
    pub orientation: u16,
    pub width: u16,
    pub height: u16,
}

const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const COM: u8 = 0xFE;

/// Frame headers (start of frame, any coding process); C4 (DHT), C8 (reserved), CC (DAC) are not.
fn is_frame(marker: u8) -> bool {
    (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

/// The segments a decoder needs; everything else (APPn: EXIF, XMP, ICC, maker notes, thumbnails,
/// phone makers' extras; COM) is metadata. Adobe's APP14 stays: it says how the colours were
/// coded (a CMYK picture reads wrong without it) and holds nothing about the person.
fn keep(marker: u8, body: &[u8]) -> bool {
    match marker {
        0xEE => body.starts_with(b"Adobe"),
        0xE0..=0xEF | COM => false,
        _ => true,
    }
}

/// The copy without metadata, or `None` when the bytes are not a JPEG this reader can follow to its
/// end (the caller decodes those instead, which refuses what is not a picture). Bytes after the end
/// marker (some phones append a video or a second picture there) are dropped too.
pub fn strip(bytes: &[u8]) -> Option<Stripped> {
    if bytes.get(..2)? != [0xFF, SOI] {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, SOI]);
    let (mut orientation, mut size, mut scans) = (1u16, None, 0usize);
    let mut pos = 2;
    loop {
        if *bytes.get(pos)? != 0xFF {
            return None;
        }
        // Any number of 0xFF may pad before a marker.
        while *bytes.get(pos + 1)? == 0xFF {
            pos += 1;
        }
        let marker = bytes[pos + 1];
        pos += 2;
        match marker {
            EOI => {
                out.extend_from_slice(&[0xFF, EOI]);
                let (width, height) = size?;
                return (scans > 0 && width > 0 && height > 0).then_some(Stripped {
                    bytes: out,
                    orientation,
                    width,
                    height,
                });
            }
            0x00 | 0x01 | 0xD0..=0xD7 | SOI => return None,
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes([*bytes.get(pos)?, *bytes.get(pos + 1)?]));
        if len < 2 {
            return None;
        }
        let body = bytes.get(pos + 2..pos + len)?;
        if marker == 0xE1
            && let Some(tiff) = body.strip_prefix(b"Exif\0\0")
        {
            orientation = exif_orientation(tiff)?;
        }
        if is_frame(marker) {
            if size.is_some() || body.len() < 5 {
                return None;
            }
            size = Some((u16::from_be_bytes([body[3], body[4]]), u16::from_be_bytes([body[1], body[2]])));
        }
        if keep(marker, body) {
            out.extend_from_slice(&bytes[pos - 2..pos + len]);
        }
        pos += len;
        if marker == SOS {
            size?;
            scans += 1;
            // The coded data runs to the next marker: 0xFF followed by anything but a stuffed zero
            // or a restart marker (fill bytes before it are skipped above).
            let start = pos;
            loop {
                let b = *bytes.get(pos)?;
                if b == 0xFF {
                    let next = *bytes.get(pos + 1)?;
                    if next != 0x00 && !(0xD0..=0xD7).contains(&next) {
                        break;
                    }
                    pos += 2;
                } else {
                    pos += 1;
                }
            }
            out.extend_from_slice(&bytes[start..pos]);
        }
    }
}

/// The orientation tag of an EXIF block (TIFF structure, first directory), 1 when it has none;
/// `None` when the block cannot be read (then the decoder decides).
fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(..4)? {
        [b'M', b'M', 0, 42] => true,
        [b'I', b'I', 42, 0] => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b = [*tiff.get(at)?, *tiff.get(at + 1)?];
        Some(if big { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if big { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let entries = usize::from(u16_at(ifd)?);
    for i in 0..entries {
        let entry = ifd + 2 + i * 12;
        if u16_at(entry)? == 0x0112 {
            // SHORT, one value, held in the entry itself.
            return match (u16_at(entry + 2)?, u32_at(entry + 4)?, u16_at(entry + 8)?) {
                (3, 1, v @ 1..=8) => Some(v),
                _ => None,
            };
        }
    }
    Some(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real 8×8 JPEG written by the `image` crate, with metadata segments put around it.
    fn picture() -> Vec<u8> {
        let img = image::RgbImage::from_fn(16, 8, |x, y| image::Rgb([(x * 16) as u8, (y * 30) as u8, 90]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&img).unwrap();
        out
    }

    fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&u16::try_from(body.len() + 2).unwrap().to_be_bytes());
        s.extend_from_slice(body);
        s
    }

    /// EXIF with the orientation tag (little-endian TIFF), a camera name and a made-up position.
    fn exif(orientation: u16) -> Vec<u8> {
        let mut t = b"Exif\0\0II\x2A\0\x08\0\0\0".to_vec();
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&[0x0F, 0x01, 2, 0, 14, 0, 0, 0, 38, 0, 0, 0]); // Make, ASCII, at 38
        t.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0]);
        t.extend_from_slice(&orientation.to_le_bytes());
        t.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
        t.extend_from_slice(b"TanguiTestCam\0GPS 24.45N 118.08E");
        t
    }

    fn with_metadata(orientation: u16) -> Vec<u8> {
        let p = picture();
        let mut b = p[..2].to_vec();
        b.extend(segment(0xE1, &exif(orientation)));
        b.extend(segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>GPS</x:xmpmeta>"));
        b.extend(segment(COM, b"shot at home"));
        b.extend_from_slice(&p[2..]);
        b.extend_from_slice(b"trailing motion-photo video");
        b
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn metadata_goes_and_the_picture_stays_as_it_was_coded() {
        let s = strip(&with_metadata(1)).unwrap();
        assert_eq!((s.orientation, s.width, s.height), (1, 16, 8));
        for gone in [&b"Exif"[..], b"TanguiTestCam", b"GPS", b"shot at home", b"xmpmeta", b"motion-photo"] {
            assert!(!contains(&s.bytes, gone), "{}", String::from_utf8_lossy(gone));
        }
        // The same pixels as the original: nothing was decoded or coded again.
        let (a, b) = (image::load_from_memory(&picture()).unwrap(), image::load_from_memory(&s.bytes).unwrap());
        assert_eq!(a.to_rgb8(), b.to_rgb8());
        // Stripping a stripped picture changes nothing.
        assert_eq!(strip(&s.bytes).unwrap().bytes, s.bytes);
    }

    #[test]
    fn the_orientation_is_read_from_either_byte_order() {
        assert_eq!(strip(&with_metadata(6)).unwrap().orientation, 6);
        let mut big = b"Exif\0\0MM\0\x2A\0\0\0\x08".to_vec();
        big.extend_from_slice(&[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0]);
        assert_eq!(exif_orientation(&big[6..]), Some(8));
        // No orientation tag: upright.
        assert_eq!(exif_orientation(b"II\x2A\0\x08\0\0\0\0\0\0\0\0\0"), Some(1));
        // A tag that says nothing sensible, or a block cut short: left to the decoder.
        assert_eq!(exif_orientation(b"II\x2A\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0\x09\0"), None);
        assert_eq!(strip(&with_metadata(0)), None);
        assert_eq!(exif_orientation(b"II\x2A\0\xFF\0\0\0"), None);
    }

    #[test]
    fn what_is_not_a_whole_jpeg_is_left_to_the_decoder() {
        let p = picture();
        assert_eq!(strip(b""), None);
        assert_eq!(strip(b"\x89PNG\r\n"), None);
        // Cut short anywhere: no end marker reached.
        for cut in [3, 20, p.len() / 2, p.len() - 1] {
            assert_eq!(strip(&p[..cut]), None, "cut at {cut}");
        }
        // The start of a JFIF header and then zeros.
        let mut broken = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01".to_vec();
        broken.extend([0u8; 100]);
        assert_eq!(strip(&broken), None);
        // A segment length that points before its own start.
        assert_eq!(strip(b"\xFF\xD8\xFF\xDB\x00\x01\xFF\xD9"), None);
        // Tables and an end, but no frame or scan.
        assert_eq!(strip(b"\xFF\xD8\xFF\xFE\x00\x03x\xFF\xD9"), None);
    }
}
