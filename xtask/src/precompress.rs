//! Compresses the built app once, at build time, at the strongest settings (brotli quality 11,
//! gzip level 9), so the server sends `name.br` or `name.gz` by the client's `Accept-Encoding`
//! instead of compressing a 2 MB WebAssembly file on every request at a fast, weak level.

use std::io::Write;
use std::path::Path;

/// File types worth compressing (images and fonts are compressed already).
const TEXT_LIKE: [&str; 8] = ["html", "js", "wasm", "css", "svg", "json", "webmanifest", "geojson"];

pub fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 3);
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 24, ..Default::default() };
    let _ = brotli::BrotliCompress(&mut &data[..], &mut out, &params);
    out
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = enc.write_all(data);
    enc.finish().unwrap_or_default()
}

/// Writes `.br` and `.gz` beside every text-like file under `dir` (recursively) where it is
/// smaller; returns (files compressed, kilobytes saved by brotli).
pub fn dist(dir: &Path) -> Result<(usize, u64), String> {
    let mut files = 0;
    let mut saved = 0u64;
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            let (f, s) = dist(&path)?;
            files += f;
            saved += s;
            continue;
        }
        let ext = path.extension().and_then(|x| x.to_str()).unwrap_or("");
        if !TEXT_LIKE.contains(&ext) {
            continue;
        }
        let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for (suffix, packed) in [("br", brotli(&data)), ("gz", gzip(&data))] {
            let target = path.with_extension(format!("{ext}.{suffix}"));
            if packed.len() < data.len() {
                std::fs::write(&target, &packed).map_err(|e| format!("{}: {e}", target.display()))?;
                if suffix == "br" {
                    saved += (data.len() - packed.len()) as u64 / 1024;
                }
            } else {
                let _ = std::fs::remove_file(&target);
            }
        }
        files += 1;
    }
    Ok((files, saved))
}

#[cfg(test)]
mod tests {
    #[test]
    fn both_encodings_round_trip() {
        use std::io::Read;
        let text = "摊规通 tangui ".repeat(500);
        let br = super::brotli(text.as_bytes());
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, text.as_bytes());
        assert!(br.len() < text.len() / 10);
        let gz = super::gzip(text.as_bytes());
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut back).unwrap();
        assert_eq!(back, text);
    }
}
