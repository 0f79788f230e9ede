//! Certificates (许可证 / 备案凭证) as PDF: Chinese text in an embedded subset of WenQuanYi Micro
//! Hei, a sketch of the zone or area, and a QR code of the public verify page.

use std::sync::LazyLock;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Polygon, PolygonRing, Pt, Rect, Rgb, TextItem, WindingOrder,
};

static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei.ttc");

/// Parsed once: parsing the 5 MB font costs more than writing a certificate.
static FONT: LazyLock<ParsedFont> =
    LazyLock::new(|| ParsedFont::from_bytes(FONT_BYTES, 0, &mut Vec::new()).expect("the bundled font parses"));

/// What goes on a certificate.
pub struct Certificate {
    pub title_zh: String,
    pub title_en: String,
    /// The verify code, printed and encoded in the QR code's URL.
    pub code: String,
    /// (label, value) rows; values wrap.
    pub rows: Vec<(String, String)>,
    pub conditions: Vec<String>,
    /// Outline of the zone or area, [lon, lat].
    pub sketch: Option<Vec<[f64; 2]>>,
    pub sketch_caption: String,
    pub verify_url: String,
    pub issuer: String,
}

fn rgb(r: f32, g: f32, b: f32) -> Color {
    Color::Rgb(Rgb { r, g, b, icc_profile: None })
}

fn pt(x_mm: f32, y_mm: f32) -> Point {
    Point { x: Mm(x_mm).into(), y: Mm(y_mm).into() }
}

fn text_at(ops: &mut Vec<Op>, font: &FontId, size: f32, x_mm: f32, y_mm: f32, s: &str) {
    ops.push(Op::StartTextSection);
    ops.push(Op::SetTextCursor { pos: pt(x_mm, y_mm) });
    ops.push(Op::SetFont { font: PdfFontHandle::External(font.clone()), size: Pt(size) });
    ops.push(Op::ShowText { items: vec![TextItem::Text(s.to_string())] });
    ops.push(Op::EndTextSection);
}

/// Splits text into lines of at most `width` columns (a CJK character counts two).
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    let mut cols = 0;
    for ch in s.chars() {
        let w = if ch.is_ascii() { 1 } else { 2 };
        if cols + w > width && !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
            cols = 0;
        }
        cur.push(ch);
        cols += w;
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

fn rect(x: f32, y: f32, w: f32, h: f32) -> Op {
    Op::DrawRectangle {
        rectangle: Rect {
            x: Mm(x).into(),
            y: Mm(y).into(),
            width: Mm(w).into(),
            height: Mm(h).into(),
            mode: Some(printpdf::PaintMode::Fill),
            winding_order: Some(WindingOrder::NonZero),
        },
    }
}

/// A QR code of `text` as an SVG image (one unit per module, with the quiet zone): the
/// authenticator key at enrolment, a permit's verification link on its page.
pub fn qr_svg(text: &str) -> String {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M) else {
        return String::new();
    };
    let n = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for row in 0..n {
        for col in 0..n {
            if colors[row * n + col] == qrcode::Color::Dark {
                path.push_str(&format!("M{} {}h1v1h-1z", col + 4, row + 4));
            }
        }
    }
    let size = n + 8;
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##
    )
}

/// The QR code of `url` as filled squares, `size_mm` wide, bottom-left corner at (x, y).
fn qr_ops(url: &str, x: f32, y: f32, size_mm: f32) -> Vec<Op> {
    let Ok(code) = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M) else {
        return Vec::new();
    };
    let n = code.width();
    let quiet = 2.0;
    let cell = size_mm / (n as f32 + 2.0 * quiet);
    let colors = code.to_colors();
    let mut ops = vec![Op::SetFillColor { col: rgb(0.0, 0.0, 0.0) }];
    for row in 0..n {
        for col in 0..n {
            if colors[row * n + col] == qrcode::Color::Dark {
                let cx = x + (col as f32 + quiet) * cell;
                let cy = y + size_mm - (row as f32 + quiet + 1.0) * cell;
                // A hair larger than the cell so adjacent squares leave no seams.
                ops.push(rect(cx, cy, cell * 1.02, cell * 1.02));
            }
        }
    }
    ops
}

/// The outline drawn to fit a box, in local metres (north up), with a scale bar.
fn sketch_ops(ring: &[[f64; 2]], x: f32, y: f32, w: f32, h: f32) -> Vec<Op> {
    if ring.len() < 3 {
        return Vec::new();
    }
    let c = common::geo::ring_centroid(ring);
    let local: Vec<(f64, f64)> = ring
        .iter()
        .map(|q| {
            let dx = common::geo::haversine_m(c, [q[0], c[1]]) * (q[0] - c[0]).signum();
            let dy = common::geo::haversine_m(c, [c[0], q[1]]) * (q[1] - c[1]).signum();
            (dx, dy)
        })
        .collect();
    let span = local.iter().fold(1.0f64, |m, (a, b)| m.max(a.abs()).max(b.abs()));
    let s = (w.min(h) as f64 * 0.42) / span; // mm per metre
    let (cx, cy) = (x as f64 + w as f64 / 2.0, y as f64 + h as f64 / 2.0);
    let points: Vec<LinePoint> = local
        .iter()
        .map(|(a, b)| LinePoint { p: pt((cx + a * s) as f32, (cy + b * s) as f32), bezier: false })
        .collect();
    let mut ops = vec![
        Op::SetFillColor { col: rgb(0.86, 0.94, 0.92) },
        Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points: points.clone() }],
                mode: printpdf::PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        },
        Op::SetOutlineColor { col: rgb(0.06, 0.42, 0.36) },
        Op::SetOutlineThickness { pt: Pt(1.2) },
        Op::DrawLine { line: Line { points, is_closed: true } },
    ];
    let bar_m = [2.0, 5.0, 10.0, 20.0, 50.0, 100.0].into_iter().find(|m| m * s >= 8.0).unwrap_or(100.0);
    ops.push(Op::SetOutlineColor { col: rgb(0.2, 0.2, 0.2) });
    ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
    ops.push(Op::DrawLine {
        line: Line {
            points: vec![
                LinePoint { p: pt(x + 2.0, y + 3.0), bezier: false },
                LinePoint { p: pt(x + 2.0 + (bar_m * s) as f32, y + 3.0), bezier: false },
            ],
            is_closed: false,
        },
    });
    ops
}

/// Writes the certificate; the font is subset to the characters used (a few tens of KB).
pub fn render(c: &Certificate) -> Vec<u8> {
    let mut doc = PdfDocument::new(&c.title_zh);
    let font = doc.add_font(&FONT);
    let (w, h) = (210.0f32, 297.0f32);
    // Frame and header band.
    let mut ops = vec![
        Op::SetOutlineColor { col: rgb(0.06, 0.42, 0.36) },
        Op::SetOutlineThickness { pt: Pt(2.0) },
        Op::DrawLine {
            line: Line {
                points: [(12.0, 12.0), (w - 12.0, 12.0), (w - 12.0, h - 12.0), (12.0, h - 12.0)]
                    .iter()
                    .map(|(x, y)| LinePoint { p: pt(*x, *y), bezier: false })
                    .collect(),
                is_closed: true,
            },
        },
        Op::SetFillColor { col: rgb(0.06, 0.42, 0.36) },
        rect(12.0, h - 48.0, w - 24.0, 36.0),
        Op::SetFillColor { col: rgb(1.0, 1.0, 1.0) },
    ];
    text_at(&mut ops, &font, 24.0, 22.0, h - 30.0, &c.title_zh);
    text_at(&mut ops, &font, 11.0, 22.0, h - 40.0, &c.title_en);
    ops.push(Op::SetFillColor { col: rgb(0.1, 0.1, 0.1) });
    text_at(&mut ops, &font, 10.0, 22.0, h - 58.0, &format!("编号 No. {}", c.code));

    let mut y = h - 72.0;
    for (label, value) in &c.rows {
        ops.push(Op::SetFillColor { col: rgb(0.35, 0.38, 0.37) });
        text_at(&mut ops, &font, 10.5, 22.0, y, label);
        ops.push(Op::SetFillColor { col: rgb(0.08, 0.1, 0.1) });
        for (i, line) in wrap(value, 56).iter().enumerate() {
            text_at(&mut ops, &font, 11.5, 58.0, y - i as f32 * 6.0, line);
            if i > 0 {
                y -= 6.0;
            }
        }
        y -= 9.0;
    }
    if !c.conditions.is_empty() {
        y -= 2.0;
        ops.push(Op::SetFillColor { col: rgb(0.06, 0.42, 0.36) });
        text_at(&mut ops, &font, 12.0, 22.0, y, "经营条件 Conditions");
        y -= 8.0;
        ops.push(Op::SetFillColor { col: rgb(0.08, 0.1, 0.1) });
        for (n, cond) in c.conditions.iter().enumerate() {
            for (i, line) in wrap(&format!("{}. {cond}", n + 1), 92).iter().enumerate() {
                text_at(&mut ops, &font, 10.0, 24.0 + if i > 0 { 4.0 } else { 0.0 }, y, line);
                y -= 5.5;
            }
        }
    }
    // Sketch (left) and QR code (right) along the bottom.
    if let Some(ring) = &c.sketch {
        ops.push(Op::SetOutlineColor { col: rgb(0.8, 0.84, 0.83) });
        ops.push(Op::SetOutlineThickness { pt: Pt(0.5) });
        ops.extend(sketch_ops(ring, 22.0, 30.0, 80.0, 60.0));
        ops.push(Op::SetFillColor { col: rgb(0.35, 0.38, 0.37) });
        text_at(&mut ops, &font, 9.0, 22.0, 26.0, &c.sketch_caption);
    }
    ops.extend(qr_ops(&c.verify_url, 138.0, 34.0, 50.0));
    ops.push(Op::SetFillColor { col: rgb(0.1, 0.1, 0.1) });
    text_at(&mut ops, &font, 10.0, 140.0, 30.0, "扫码查验 Scan to verify");
    text_at(&mut ops, &font, 7.5, 118.0, 24.0, &c.verify_url);
    text_at(&mut ops, &font, 9.0, 22.0, 18.0, &c.issuer);
    let page = PdfPage::new(Mm(w), Mm(h), ops);
    doc.with_pages(vec![page]).save(&PdfSaveOptions { subset_fonts: true, ..Default::default() }, &mut Vec::new())
}

/// A plain one-page document (a form or a receipt): title band, rows, headed paragraphs and
/// lines to sign on.
pub struct Sheet {
    pub title_zh: String,
    pub title_en: String,
    pub code: Option<String>,
    pub rows: Vec<(String, String)>,
    pub paragraphs: Vec<(String, Vec<String>)>,
    pub signatures: Vec<String>,
    pub footer: String,
}

pub fn render_sheet(s: &Sheet) -> Vec<u8> {
    let mut doc = PdfDocument::new(&s.title_zh);
    let font = doc.add_font(&FONT);
    let (w, h) = (210.0f32, 297.0f32);
    let mut ops = vec![Op::SetFillColor { col: rgb(0.06, 0.42, 0.36) }, rect(0.0, h - 34.0, w, 34.0)];
    ops.push(Op::SetFillColor { col: rgb(1.0, 1.0, 1.0) });
    text_at(&mut ops, &font, 20.0, 20.0, h - 18.0, &s.title_zh);
    text_at(&mut ops, &font, 10.0, 20.0, h - 27.0, &s.title_en);
    ops.push(Op::SetFillColor { col: rgb(0.1, 0.1, 0.1) });
    let mut y = h - 46.0;
    if let Some(code) = &s.code {
        text_at(&mut ops, &font, 12.0, 20.0, y, &format!("编号 No. {code}"));
        y -= 10.0;
    }
    for (label, value) in &s.rows {
        ops.push(Op::SetFillColor { col: rgb(0.35, 0.38, 0.37) });
        text_at(&mut ops, &font, 11.0, 20.0, y, label);
        ops.push(Op::SetFillColor { col: rgb(0.08, 0.1, 0.1) });
        for (i, line) in wrap(value, 60).iter().enumerate() {
            if i > 0 {
                y -= 6.5;
            }
            text_at(&mut ops, &font, 12.0, 52.0, y, line);
        }
        y -= 9.0;
    }
    for (heading, lines) in &s.paragraphs {
        y -= 3.0;
        ops.push(Op::SetFillColor { col: rgb(0.06, 0.42, 0.36) });
        text_at(&mut ops, &font, 13.0, 20.0, y, heading);
        y -= 8.0;
        ops.push(Op::SetFillColor { col: rgb(0.08, 0.1, 0.1) });
        for para in lines {
            for line in wrap(para, 84) {
                text_at(&mut ops, &font, 11.5, 22.0, y, &line);
                y -= 6.5;
            }
            y -= 2.0;
        }
    }
    y -= 6.0;
    ops.push(Op::SetOutlineColor { col: rgb(0.2, 0.2, 0.2) });
    ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
    for label in &s.signatures {
        text_at(&mut ops, &font, 11.5, 20.0, y, label);
        ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint { p: pt(70.0, y - 1.0), bezier: false },
                    LinePoint { p: pt(180.0, y - 1.0), bezier: false },
                ],
                is_closed: false,
            },
        });
        y -= 16.0;
    }
    ops.push(Op::SetFillColor { col: rgb(0.35, 0.38, 0.37) });
    text_at(&mut ops, &font, 9.0, 20.0, 14.0, &s.footer);
    let page = PdfPage::new(Mm(w), Mm(h), ops);
    doc.with_pages(vec![page]).save(&PdfSaveOptions { subset_fonts: true, ..Default::default() }, &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_cjk_by_width() {
        assert_eq!(wrap("思明区中山路", 6), ["思明区", "中山路"]);
        assert_eq!(wrap("ab思明", 4), ["ab思", "明"]);
    }
}
