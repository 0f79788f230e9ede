//! Certificates: the PDF's text extracts back to the Chinese on it, it stays small, its QR code
//! decodes to the verify URL; verify codes cannot be guessed or enumerated.

use std::process::Command;

use crate::api_test;
use common::District;

/// poppler-utils (pdftotext, pdftoppm) are installed by `cargo xtask test`.
fn have_poppler() -> bool {
    let ok =
        Command::new("pdftotext").arg("-v").output().is_ok() && Command::new("pdftoppm").arg("-v").output().is_ok();
    if !ok {
        assert!(
            std::env::var("TANGUI_E2E_REQUIRED").is_err(),
            "pdftotext/pdftoppm are required (apt-get install poppler-utils)"
        );
        eprintln!("skipping: poppler-utils not installed");
    }
    ok
}

/// Renders the first page to a grey bitmap (PGM) and decodes its QR code.
fn qr_codes(pdf: &std::path::Path) -> Vec<String> {
    let base = pdf.with_extension("");
    let st = Command::new("pdftoppm").args(["-gray", "-r", "200", "-singlefile"]).arg(pdf).arg(&base).status().unwrap();
    assert!(st.success());
    let pgm = std::fs::read(base.with_extension("pgm")).unwrap();
    // P5 header: magic, width, height, maxval, each separated by whitespace, then the bytes.
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&pgm[start..i]).to_string());
    }
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let pixels = &pgm[i + 1..];
    // The decoder the officers' scanner runs in the browser.
    common::qr::decode_luma(w, h, |x, y| pixels[y * w + x]).into_iter().collect()
}

api_test!(certificate_text_size_and_qr_code, |app| {
    if !have_poppler() {
        return;
    }
    let app = app.with_demo().await;
    let (vendor, vid) = app.vendor().await;
    let (permit, _) = app.grant_stall(vid, District::Siming).await;
    let p = vendor.get(&format!("/api/v1/permits/{permit}")).await.value();
    let code = p["verify_code"].as_str().unwrap().to_string();
    let r = vendor.get(&format!("/api/v1/permits/{permit}/certificate.pdf")).await;
    r.assert_status(200);
    assert!(r.body.len() < 100 * 1024, "certificate is {} bytes", r.body.len());
    let dir = std::env::temp_dir().join(format!("tangui-cert-{}", backend::auth::rand_bytes::random_hex(4)));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("c.pdf");
    std::fs::write(&file, &r.body).unwrap();

    let out = Command::new("pdftotext").args(["-enc", "UTF-8"]).arg(&file).arg("-").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let zone_name = p["location"].as_str().unwrap().split('（').next().unwrap().to_string();
    for want in ["摊位经营许可证", "持证人", "有效期", "经营条件", "测**户", &zone_name, &code, "不得转租"]
    {
        assert!(text.contains(want), "{want:?} not in the extracted text:\n{text}");
    }
    assert!(!text.contains("测试用户"), "the holder's name is masked on the certificate");

    let codes = qr_codes(&file);
    assert_eq!(codes, vec![format!("{}/verify/{code}", app.state.config.public_url)]);
    // What the inspection page makes of the scan: the permit's code.
    assert_eq!(common::dto::filings::code_from_scan(&codes[0]), code);
    let _ = std::fs::remove_dir_all(dir);
});

api_test!(verify_codes_are_random_and_not_enumerable, |app| {
    let app = app.with_demo().await;
    let mut codes = Vec::new();
    for _ in 0..3 {
        let (_, vid) = app.vendor().await;
        let (permit, _) = app.grant_stall(vid, District::Huli).await;
        let admin = app.admin().await;
        codes.push(
            admin.get(&format!("/api/v1/permits/{permit}")).await.value()["verify_code"].as_str().unwrap().to_string(),
        );
    }
    // 20 symbols of a 32-letter alphabet: 100 bits; consecutive permits share no structure.
    for c in &codes {
        assert_eq!(c.len(), 20);
        assert!(c.bytes().all(|b| b"0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(&b)));
    }
    let same_prefix = codes.windows(2).filter(|w| w[0][..6] == w[1][..6]).count();
    assert_eq!(same_prefix, 0, "{codes:?}");
    // Neighbours of a real code, permit ids and malformed input all answer the same 404.
    let c = app.anon();
    let real = &codes[0];
    let mut near = real.clone().into_bytes();
    near[19] = if near[19] == b'0' { b'1' } else { b'0' };
    for probe in [
        String::from_utf8(near).unwrap(),
        "1".into(),
        "00000000000000000001".into(),
        format!("{real}0"),
        "../../etc/passwd".into(),
    ] {
        let r = c.get(&format!("/api/v1/public/permits/{probe}")).await;
        assert_eq!(r.status.as_u16(), 404, "{probe}");
    }
    c.get(&format!("/api/v1/public/permits/{}", real.to_lowercase())).await.assert_status(200);
});
