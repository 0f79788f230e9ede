//! Coordinates and small-scale geometry for the map, the zone editor and the server's checks.
//!
//! Positions are `[f64; 2]` = `[lon, lat]` in WGS84, the order and datum of GeoJSON (RFC 7946),
//! which is what we store and publish (DESIGN §4 "Coordinates"). Rings are `Vec<[f64; 2]>` whose
//! last point repeats the first; a polygon is `&[Vec<[f64; 2]>]`: the outer ring first, then holes.
//!
//! Everything is plain `std` maths so the browser (wasm32) and the server give the same answer,
//! and there is no geometry crate to keep in step with `geojson`. Areas the size of a stall or a
//! district are small enough that a local equirectangular projection is accurate to well under
//! a percent, so metric helpers use it instead of geodesic formulas.
//!
//! Planar helpers (`ring_signed_area`, `segments_intersect`, `point_in_ring`, `simplify_dp`, …)
//! work directly in degrees: topology (crossing, inside, orientation) does not depend on the
//! scale of the axes, and keeping the input numbers untouched makes their results exact for
//! exactly-repeated coordinates, such as a border shared by two polygons.

use std::f64::consts::PI;

use serde::{Deserialize, Serialize};

use crate::{FieldError, Text};

/// Mean Earth radius (IUGG), metres. Used for distances and the local projection.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Web Mercator's latitude limit (≈ ±85.0511°): the latitude at which the projected world is square.
pub const MAX_MERCATOR_LAT: f64 = 85.051_128_779_806_59;

/// Xiamen's land area (the six districts of `assets/geo/xiamen-districts.geojson`, WGS84) with a
/// small margin, rounded outwards to 0.01°. Anything drawn for a permit must lie inside it; a point
/// outside is almost always a swapped lon/lat, a GCJ-02/BD-09 coordinate or a typo.
pub const XIAMEN_BBOX: BBox = BBox { min_lon: 117.87, min_lat: 24.40, max_lon: 118.42, max_lat: 24.92 };

// ---------------------------------------------------------------------------------------------
// GCJ-02
// ---------------------------------------------------------------------------------------------

/// Semi-major axis of the Krasovsky 1940 ellipsoid, which the GCJ-02 formula is built on.
const GCJ_A: f64 = 6_378_245.0;
/// Eccentricity squared of the same ellipsoid.
const GCJ_EE: f64 = 0.006_693_421_622_965_943;

/// The rectangle in which Chinese map providers apply the GCJ-02 offset. It is the conventional
/// rough box (it also covers parts of neighbouring countries); outside it coordinates are left alone,
/// exactly as those providers do.
pub fn in_gcj02_area(p: [f64; 2]) -> bool {
    (72.004..=137.8347).contains(&p[0]) && (0.8293..=55.8271).contains(&p[1])
}

fn gcj_delta(p: [f64; 2]) -> [f64; 2] {
    let x = p[0] - 105.0;
    let y = p[1] - 35.0;
    let xy = x * y;
    let sqrt_abs_x = x.abs().sqrt();
    let common = (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    let mut d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * xy + 0.2 * sqrt_abs_x + common;
    d_lat += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    d_lat += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    let mut d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * xy + 0.1 * sqrt_abs_x + common;
    d_lon += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    d_lon += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;

    let rad_lat = p[1].to_radians();
    let magic = 1.0 - GCJ_EE * rad_lat.sin() * rad_lat.sin();
    let sqrt_magic = magic.sqrt();
    d_lat = (d_lat * 180.0) / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrt_magic) * PI);
    d_lon = (d_lon * 180.0) / (GCJ_A / sqrt_magic * rad_lat.cos() * PI);
    [d_lon, d_lat]
}

/// WGS84 → GCJ-02 ("Mars coordinates"), the datum of Chinese web maps (Amap, Tencent, and the
/// echarts basemap we derive ours from). Needed to hand a location to such a map, and to invert
/// the transform. Points outside China, or not finite, are returned unchanged.
pub fn wgs84_to_gcj02(p: [f64; 2]) -> [f64; 2] {
    if !is_finite(p) || !in_gcj02_area(p) {
        return p;
    }
    let d = gcj_delta(p);
    [p[0] + d[0], p[1] + d[1]]
}

/// GCJ-02 → WGS84, the accurate inverse of [`wgs84_to_gcj02`].
///
/// The forward transform has no closed-form inverse. The usual one-step "subtract the offset"
/// trick is off by up to a couple of metres, so we iterate (fixed point on the offset) until the
/// correction is below 1e-7° (≈ 1 cm); it converges in 2–3 steps because the offset changes
/// slowly with position. Points outside China, or not finite, are returned unchanged.
pub fn gcj02_to_wgs84(g: [f64; 2]) -> [f64; 2] {
    if !is_finite(g) || !in_gcj02_area(g) {
        return g;
    }
    let d = gcj_delta(g);
    let mut w = [g[0] - d[0], g[1] - d[1]];
    for _ in 0..30 {
        let t = wgs84_to_gcj02(w);
        let e = [t[0] - g[0], t[1] - g[1]];
        w = [w[0] - e[0], w[1] - e[1]];
        if e[0].abs() < 1e-7 && e[1].abs() < 1e-7 {
            break;
        }
    }
    w
}

fn is_finite(p: [f64; 2]) -> bool {
    p[0].is_finite() && p[1].is_finite()
}

// ---------------------------------------------------------------------------------------------
// Web Mercator
// ---------------------------------------------------------------------------------------------

/// Web Mercator in unit square coordinates: `x` 0..1 west→east from 180°W, `y` 0..1 north→south
/// (the same direction as SVG's y axis, so no flip is needed when drawing). Latitude is clamped
/// to ±[`MAX_MERCATOR_LAT`], where the projection would otherwise run to infinity. Chosen because
/// it is conformal (shapes of streets and stalls look right) and is what people expect from a map.
pub fn mercator(p: [f64; 2]) -> [f64; 2] {
    let lat = p[1].clamp(-MAX_MERCATOR_LAT, MAX_MERCATOR_LAT).to_radians();
    // ln(tan φ + sec φ) == asinh(tan φ), and the latter is accurate near the equator.
    [(p[0] + 180.0) / 360.0, 0.5 - lat.tan().asinh() / (2.0 * PI)]
}

/// Inverse of [`mercator`]: unit-square `[x, y]` back to `[lon, lat]`.
pub fn inverse_mercator(m: [f64; 2]) -> [f64; 2] {
    [m[0] * 360.0 - 180.0, (PI * (1.0 - 2.0 * m[1])).sinh().atan().to_degrees()]
}

// ---------------------------------------------------------------------------------------------
// Bounding boxes
// ---------------------------------------------------------------------------------------------

/// A lon/lat bounding box (inclusive). Used to fit the map view, to reject far-away input
/// early, and as a cheap pre-check before exact polygon tests.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    /// The box of a single point.
    pub fn of_point(p: [f64; 2]) -> BBox {
        BBox { min_lon: p[0], min_lat: p[1], max_lon: p[0], max_lat: p[1] }
    }

    /// The box of some points; `None` when there is no finite point (non-finite ones are skipped
    /// so one bad number cannot turn the whole box into NaN).
    pub fn of_points(points: &[[f64; 2]]) -> Option<BBox> {
        let mut it = points.iter().copied().filter(|p| is_finite(*p));
        let mut b = BBox::of_point(it.next()?);
        for p in it {
            b.extend(p);
        }
        Some(b)
    }

    /// The box of every point of several rings (a polygon, or all rings of a map layer).
    pub fn of_rings(rings: &[Vec<[f64; 2]>]) -> Option<BBox> {
        rings.iter().filter_map(|r| BBox::of_points(r)).reduce(|a, b| a.union(&b))
    }

    /// Grows the box to include `p` (non-finite points are ignored).
    pub fn extend(&mut self, p: [f64; 2]) {
        if !is_finite(p) {
            return;
        }
        self.min_lon = self.min_lon.min(p[0]);
        self.min_lat = self.min_lat.min(p[1]);
        self.max_lon = self.max_lon.max(p[0]);
        self.max_lat = self.max_lat.max(p[1]);
    }

    /// Whether `p` lies inside or on the edge of the box.
    pub fn contains(&self, p: [f64; 2]) -> bool {
        p[0] >= self.min_lon && p[0] <= self.max_lon && p[1] >= self.min_lat && p[1] <= self.max_lat
    }

    /// Whether two boxes share at least one point.
    pub fn intersects(&self, other: &BBox) -> bool {
        self.min_lon <= other.max_lon
            && other.min_lon <= self.max_lon
            && self.min_lat <= other.max_lat
            && other.min_lat <= self.max_lat
    }

    /// The smallest box containing both.
    pub fn union(&self, other: &BBox) -> BBox {
        BBox {
            min_lon: self.min_lon.min(other.min_lon),
            min_lat: self.min_lat.min(other.min_lat),
            max_lon: self.max_lon.max(other.max_lon),
            max_lat: self.max_lat.max(other.max_lat),
        }
    }

    /// The middle of the box in degrees.
    pub fn center(&self) -> [f64; 2] {
        [(self.min_lon + self.max_lon) / 2.0, (self.min_lat + self.max_lat) / 2.0]
    }

    /// Grown on every side by `frac` of its span, and by at least ~100 m, so that markers on its
    /// edge are not cut by the frame and a single point still has surroundings.
    pub fn padded(&self, frac: f64) -> BBox {
        self.grown(frac, 0.001)
    }

    /// Grown on every side by `frac` of its span and by at least `min_deg` degrees (a shop's
    /// frontage needs metres around it, a district kilometres).
    pub fn grown(&self, frac: f64, min_deg: f64) -> BBox {
        let dx = ((self.max_lon - self.min_lon) * frac).max(min_deg);
        let dy = ((self.max_lat - self.min_lat) * frac).max(min_deg);
        BBox {
            min_lon: self.min_lon - dx,
            min_lat: self.min_lat - dy,
            max_lon: self.max_lon + dx,
            max_lat: self.max_lat + dy,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Viewport: lon/lat → SVG
// ---------------------------------------------------------------------------------------------

/// Maps lon/lat into an SVG user space of `width` × `height` units and tracks the `viewBox`
/// for pan and zoom.
///
/// The projection (Web Mercator, scaled and centred so the fitted bbox plus padding fills the
/// space with its aspect ratio kept) is fixed when the viewport is made; pan and zoom only move
/// the `viewBox`. So path data is computed once per feature and the browser does the zooming,
/// which is what keeps a phone responsive.
///
/// Path coordinates are rounded to 0.1 unit ([`svg_path_d`]), so size the user space for the
/// deepest zoom you allow: e.g. 10 000 units across Xiamen (≈ 55 km) gives 0.5 m steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// Width of the SVG user space.
    pub width: f64,
    /// Height of the SVG user space.
    pub height: f64,
    /// Mercator unit-square point drawn at the centre of the user space.
    center: [f64; 2],
    /// SVG units per Mercator unit.
    scale: f64,
    /// Current viewBox `[x, y, w, h]`.
    view: [f64; 4],
}

impl Viewport {
    /// Deepest zoom [`Viewport::zoom_at`] allows, relative to the fitted view: with the city
    /// fitted into 10 000 units, about 15 m across, enough to see and draw a shop's frontage.
    pub const MAX_ZOOM: f64 = 4096.0;
    /// Furthest zoom-out allowed: the fitted view itself.
    pub const MIN_ZOOM: f64 = 1.0;
    /// Smallest extent fitted, in Mercator units (≈ 200 m), so a single point or a zero-width
    /// box still gives a usable view instead of a division by zero.
    const MIN_SPAN: f64 = 5e-6;

    /// A viewport whose user space is `width` × `height` and in which `bbox` fills the space minus
    /// `padding` units on every side, centred, aspect ratio kept.
    pub fn fit(bbox: &BBox, width: f64, height: f64, padding: f64) -> Viewport {
        let width = if width > 0.0 { width } else { 1.0 };
        let height = if height > 0.0 { height } else { 1.0 };
        let top_left = mercator([bbox.min_lon, bbox.max_lat]);
        let bottom_right = mercator([bbox.max_lon, bbox.min_lat]);
        let span_x = (bottom_right[0] - top_left[0]).abs().max(Self::MIN_SPAN);
        let span_y = (bottom_right[1] - top_left[1]).abs().max(Self::MIN_SPAN);
        let avail_w = (width - 2.0 * padding).max(width * 0.1);
        let avail_h = (height - 2.0 * padding).max(height * 0.1);
        let scale = (avail_w / span_x).min(avail_h / span_y);
        let center = [(top_left[0] + bottom_right[0]) / 2.0, (top_left[1] + bottom_right[1]) / 2.0];
        Viewport { width, height, center, scale, view: [0.0, 0.0, width, height] }
    }

    /// SVG user-space position of a lon/lat.
    pub fn project(&self, p: [f64; 2]) -> (f64, f64) {
        let m = mercator(p);
        (
            (m[0] - self.center[0]) * self.scale + self.width / 2.0,
            (m[1] - self.center[1]) * self.scale + self.height / 2.0,
        )
    }

    /// Lon/lat of an SVG user-space position (inverse of [`Viewport::project`]); used to turn a
    /// tap on the map into a coordinate.
    pub fn unproject(&self, x: f64, y: f64) -> [f64; 2] {
        inverse_mercator([
            (x - self.width / 2.0) / self.scale + self.center[0],
            (y - self.height / 2.0) / self.scale + self.center[1],
        ])
    }

    /// SVG units per metre on the ground at latitude `lat` (Mercator stretches by 1/cos φ); for
    /// scale bars and for sizing symbols in metres.
    pub fn units_per_metre(&self, lat: f64) -> f64 {
        let lat = lat.clamp(-MAX_MERCATOR_LAT, MAX_MERCATOR_LAT).to_radians();
        self.scale / (2.0 * PI * EARTH_RADIUS_M * lat.cos())
    }

    /// Current zoom relative to the fitted view (1 = everything visible).
    pub fn zoom(&self) -> f64 {
        self.width / self.view[2]
    }

    /// Multiplies the zoom by `factor` (> 1 zooms in) keeping the user-space point `(x, y)` where it
    /// is on screen, as a mouse wheel or pinch expects. The zoom is clamped to
    /// [`Viewport::MIN_ZOOM`]..=[`Viewport::MAX_ZOOM`].
    pub fn zoom_at(&mut self, factor: f64, x: f64, y: f64) {
        if !(factor.is_finite() && factor > 0.0 && x.is_finite() && y.is_finite()) {
            return;
        }
        let new_zoom = (self.zoom() * factor).clamp(Self::MIN_ZOOM, Self::MAX_ZOOM);
        let f = new_zoom / self.zoom();
        let [vx, vy, vw, vh] = self.view;
        self.view = [x - (x - vx) / f, y - (y - vy) / f, vw / f, vh / f];
        self.clamp_view();
    }

    /// Moves the content by `(dx, dy)` user-space units, as when it is dragged (so the view box
    /// moves the other way). The centre of the view is kept inside the user space so the map
    /// cannot be lost off-screen.
    pub fn pan(&mut self, dx: f64, dy: f64) {
        if !(dx.is_finite() && dy.is_finite()) {
            return;
        }
        self.view[0] -= dx;
        self.view[1] -= dy;
        self.clamp_view();
    }

    /// Zooms and pans so that `bbox` fills `fill` (0–1) of the view in its larger dimension,
    /// centred; used to open the map on the zones shown or on one street, whatever the zoom was.
    /// A point or a tiny box gets the deepest zoom rather than a division by zero.
    pub fn show(&mut self, bbox: &BBox, fill: f64) {
        let fill = if fill.is_finite() { fill.clamp(0.05, 1.0) } else { 0.8 };
        let a = self.project([bbox.min_lon, bbox.max_lat]);
        let b = self.project([bbox.max_lon, bbox.min_lat]);
        if ![a.0, a.1, b.0, b.1].iter().all(|v| v.is_finite()) {
            return;
        }
        let span = ((b.0 - a.0).abs() / self.width).max((b.1 - a.1).abs() / self.height).max(1e-9);
        let zoom = (fill / span).clamp(Self::MIN_ZOOM, Self::MAX_ZOOM);
        let (w, h) = (self.width / zoom, self.height / zoom);
        let (cx, cy) = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
        self.view = [cx - w / 2.0, cy - h / 2.0, w, h];
        self.clamp_view();
    }

    /// Back to the fitted view.
    pub fn reset(&mut self) {
        self.view = [0.0, 0.0, self.width, self.height];
    }

    fn clamp_view(&mut self) {
        let [x, y, w, h] = self.view;
        let cx = (x + w / 2.0).clamp(0.0, self.width);
        let cy = (y + h / 2.0).clamp(0.0, self.height);
        self.view = [cx - w / 2.0, cy - h / 2.0, w, h];
    }

    /// The view box as `[x, y, width, height]`.
    pub fn view_box(&self) -> [f64; 4] {
        self.view
    }

    /// The `viewBox` attribute value, e.g. `"0 0 1000 800"`.
    pub fn view_box_string(&self) -> String {
        self.view.iter().map(|v| fmt_trimmed(*v, 3)).collect::<Vec<_>>().join(" ")
    }

    /// User-space position of a point `(px, py)` in an SVG element shown `screen_w` × `screen_h`
    /// pixels large with the default `preserveAspectRatio="xMidYMid meet"`; for pointer events.
    pub fn screen_to_svg(&self, px: f64, py: f64, screen_w: f64, screen_h: f64) -> (f64, f64) {
        let [vx, vy, vw, vh] = self.view;
        if !(screen_w > 0.0 && screen_h > 0.0) {
            return (vx + vw / 2.0, vy + vh / 2.0);
        }
        let s = (screen_w / vw).min(screen_h / vh);
        let ox = (screen_w - vw * s) / 2.0;
        let oy = (screen_h - vh * s) / 2.0;
        (vx + (px - ox) / s, vy + (py - oy) / s)
    }

    /// The lon/lat box currently in view; for choosing what to load or label.
    pub fn visible_bbox(&self) -> BBox {
        let [x, y, w, h] = self.view;
        let a = self.unproject(x, y);
        let b = self.unproject(x + w, y + h);
        BBox { min_lon: a[0], min_lat: b[1], max_lon: b[0], max_lat: a[1] }
    }
}

/// `v` with `decimals` decimals, trailing zeros dropped, never `-0`.
fn fmt_trimmed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" { "0".to_string() } else { s }
}

/// `v` with one decimal, never `-0.0`.
fn fmt_1(v: f64) -> String {
    let s = format!("{v:.1}");
    if s == "-0.0" { "0.0".to_string() } else { s }
}

/// SVG path data for some rings: `M x y L x y … Z` per ring, coordinates rounded to 0.1 unit
/// (enough for the screen, and it keeps the DOM small). The closing point is left to `Z`.
/// Draw with `fill-rule="evenodd"` so holes stay holes whatever their orientation.
pub fn svg_path_d(rings: &[Vec<[f64; 2]>], vp: &Viewport) -> String {
    let mut d = String::new();
    for ring in rings {
        let pts = if ring_is_closed(ring) { &ring[..ring.len() - 1] } else { &ring[..] };
        if pts.is_empty() {
            continue;
        }
        for (i, p) in pts.iter().enumerate() {
            let (x, y) = vp.project(*p);
            if !d.is_empty() {
                d.push(' ');
            }
            d.push_str(if i == 0 { "M " } else { "L " });
            d.push_str(&fmt_1(x));
            d.push(' ');
            d.push_str(&fmt_1(y));
        }
        d.push_str(" Z");
    }
    d
}

// ---------------------------------------------------------------------------------------------
// Rings and polygons (planar, in degrees)
// ---------------------------------------------------------------------------------------------

/// Whether the ring's last point equals its first (and it has at least two points).
pub fn ring_is_closed(ring: &[[f64; 2]]) -> bool {
    ring.len() >= 2 && ring[0] == ring[ring.len() - 1]
}

/// Appends the first point if the ring is not closed yet.
pub fn close_ring(ring: &mut Vec<[f64; 2]>) {
    if !ring.is_empty() && !ring_is_closed(ring) {
        ring.push(ring[0]);
    }
}

/// Signed area by the shoelace formula, in square degrees: > 0 when counter-clockwise (lon east,
/// lat north). Only the sign and relative size are meaningful; see [`polygon_area_m2`] for m².
/// Works for closed and unclosed rings.
pub fn ring_signed_area(ring: &[[f64; 2]]) -> f64 {
    let n = ring.len();
    if n < 3 {
        return 0.0;
    }
    // Relative to the first point, for precision with coordinates ~118.
    let o = ring[0];
    let mut sum = 0.0;
    for i in 0..n {
        let a = ring[i];
        let b = ring[(i + 1) % n];
        sum += (a[0] - o[0]) * (b[1] - o[1]) - (b[0] - o[0]) * (a[1] - o[1]);
    }
    sum / 2.0
}

/// Whether the ring runs counter-clockwise, the orientation RFC 7946 asks of outer rings.
/// Kept separate from [`validate_polygon_ring`] because readers must accept either orientation
/// (RFC 7946 §3.1.6) while what we write must be CCW.
pub fn is_ccw(ring: &[[f64; 2]]) -> bool {
    ring_signed_area(ring) > 0.0
}

/// Reverses the ring if needed so it runs counter-clockwise (`ccw = true`) or clockwise.
pub fn set_orientation(ring: &mut [[f64; 2]], ccw: bool) {
    let area = ring_signed_area(ring);
    if area != 0.0 && (area > 0.0) != ccw {
        ring.reverse();
    }
}

/// Sign of the turn a → b → c: 1 left (CCW), -1 right, 0 collinear.
fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> i8 {
    let v = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    if v > 0.0 {
        1
    } else if v < 0.0 {
        -1
    } else {
        0
    }
}

/// For collinear a, b, c: whether b lies within the bounding box of segment a–c.
fn on_segment(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> bool {
    b[0] >= a[0].min(c[0]) && b[0] <= a[0].max(c[0]) && b[1] >= a[1].min(c[1]) && b[1] <= a[1].max(c[1])
}

/// Whether the closed segments a1–a2 and b1–b2 share any point, touching and collinear overlap
/// included (that is what makes a ring invalid).
pub fn segments_intersect(a1: [f64; 2], a2: [f64; 2], b1: [f64; 2], b2: [f64; 2]) -> bool {
    let o1 = orient(a1, a2, b1);
    let o2 = orient(a1, a2, b2);
    let o3 = orient(b1, b2, a1);
    let o4 = orient(b1, b2, a2);
    if o1 != o2 && o3 != o4 {
        return true;
    }
    (o1 == 0 && on_segment(a1, b1, a2))
        || (o2 == 0 && on_segment(a1, b2, a2))
        || (o3 == 0 && on_segment(b1, a1, b2))
        || (o4 == 0 && on_segment(b1, a2, b2))
}

/// Whether the segments cross at a single point inside both (touching does not count). Two
/// polygons whose edges cross like this must overlap; ones that only touch need not.
pub fn segments_cross(a1: [f64; 2], a2: [f64; 2], b1: [f64; 2], b2: [f64; 2]) -> bool {
    let o1 = orient(a1, a2, b1);
    let o2 = orient(a1, a2, b2);
    let o3 = orient(b1, b2, a1);
    let o4 = orient(b1, b2, a2);
    o1 * o2 < 0 && o3 * o4 < 0
}

/// The ring's distinct vertices with their indices in `ring`: closing point and consecutive
/// repeats dropped (a repeated point is a zero-length edge, not a crossing).
fn distinct_vertices(ring: &[[f64; 2]]) -> Vec<(usize, [f64; 2])> {
    let mut out: Vec<(usize, [f64; 2])> = Vec::with_capacity(ring.len());
    for (i, p) in ring.iter().enumerate() {
        if out.last().is_none_or(|(_, q)| q != p) {
            out.push((i, *p));
        }
    }
    while out.len() > 1 && out[0].1 == out[out.len() - 1].1 {
        out.pop();
    }
    out
}

/// The first pair of edges (by index of their first point in `ring`) that touch or cross, if
/// any. Adjacent edges share a point by construction and only count when one doubles back over
/// the other (a spike). The ring is treated as closed whether or not it repeats its first point.
/// O(n²), fine for hand-drawn zones and simplified boundaries.
pub fn ring_self_intersection(ring: &[[f64; 2]]) -> Option<(usize, usize)> {
    let v = distinct_vertices(ring);
    let n = v.len();
    if n < 3 {
        return None;
    }
    let p = |i: usize| v[i % n].1;
    // Spikes: a → b → a' going straight back.
    for i in 0..n {
        let (a, b, c) = (p(i + n - 1), p(i), p(i + 1));
        let dot = (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1]);
        if orient(a, b, c) == 0 && dot < 0.0 {
            let prev = (i + n - 1) % n;
            return Some((v[prev.min(i)].0, v[prev.max(i)].0));
        }
    }
    for i in 0..n {
        let bb_i = BBox::of_point(p(i));
        let mut bb_i = bb_i;
        bb_i.extend(p(i + 1));
        for j in i + 2..n {
            if i == 0 && j == n - 1 {
                continue;
            }
            let (c, d) = (p(j), p(j + 1));
            // Cheap box test first: most edge pairs of a long ring are far apart.
            if c[0].max(d[0]) < bb_i.min_lon
                || c[0].min(d[0]) > bb_i.max_lon
                || c[1].max(d[1]) < bb_i.min_lat
                || c[1].min(d[1]) > bb_i.max_lat
            {
                continue;
            }
            if segments_intersect(p(i), p(i + 1), c, d) {
                return Some((v[i].0, v[j].0));
            }
        }
    }
    None
}

/// Whether the ring touches or crosses itself; see [`ring_self_intersection`].
pub fn ring_self_intersects(ring: &[[f64; 2]]) -> bool {
    ring_self_intersection(ring).is_some()
}

/// Even–odd (ray casting) point-in-ring test, closed or unclosed ring. A point exactly on the
/// boundary may come out either way; use [`distance_point_polygon_m`] when that matters.
pub fn point_in_ring(p: [f64; 2], ring: &[[f64; 2]]) -> bool {
    let n = ring.len();
    if n < 3 {
        return false;
    }
    let mut inside = false;
    let mut j = n - 1;
    for i in 0..n {
        let (a, b) = (ring[j], ring[i]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
            if p[0] < x {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

/// Whether `p` is inside the polygon: inside the outer ring (`polygon[0]`) and in none of the
/// holes.
pub fn point_in_polygon(p: [f64; 2], polygon: &[Vec<[f64; 2]>]) -> bool {
    match polygon.split_first() {
        Some((outer, holes)) => point_in_ring(p, outer) && !holes.iter().any(|h| point_in_ring(p, h)),
        None => false,
    }
}

/// Smallest planar distance, in degrees, from `p` to a polygon's boundary.
fn boundary_distance_deg(p: [f64; 2], polygon: &[Vec<[f64; 2]>]) -> f64 {
    let mut best = f64::INFINITY;
    for ring in polygon {
        for w in ring.windows(2) {
            best = best.min(planar_segment_distance(p, w[0], w[1]));
        }
        if let (Some(a), Some(b)) = (ring.last(), ring.first()) {
            best = best.min(planar_segment_distance(p, *a, *b));
        }
    }
    best
}

/// How close, in degrees (≈ 1 cm), two boundaries may come and still only "touch". Coordinates
/// computed separately (two stalls laid out side by side) differ in the last bits, and that must
/// not read as an overlap.
const TOUCH_EPS_DEG: f64 = 1e-7;

/// Inside and clear of the boundary, so shared edges do not count as inside.
fn strictly_inside(p: [f64; 2], polygon: &[Vec<[f64; 2]>]) -> bool {
    point_in_polygon(p, polygon) && boundary_distance_deg(p, polygon) > TOUCH_EPS_DEG
}

/// Planar distance from `p` to the infinite line through a and b (a ≠ b).
fn line_distance(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    ((p[0] - a[0]) * dy - (p[1] - a[1]) * dx).abs() / (dx * dx + dy * dy).sqrt()
}

/// A proper crossing in which every endpoint is clearly (more than [`TOUCH_EPS_DEG`]) off the
/// other segment's line; anything closer is left to the inside probes of [`polygons_overlap`].
fn crosses_clearly(a1: [f64; 2], a2: [f64; 2], b1: [f64; 2], b2: [f64; 2]) -> bool {
    segments_cross(a1, a2, b1, b2)
        && line_distance(b1, a1, a2) > TOUCH_EPS_DEG
        && line_distance(b2, a1, a2) > TOUCH_EPS_DEG
        && line_distance(a1, b1, b2) > TOUCH_EPS_DEG
        && line_distance(a2, b1, b2) > TOUCH_EPS_DEG
}

/// Whether the interiors of two polygons (outer ring + holes each) intersect: their edges cross,
/// or part of one lies inside the other. Polygons that only share an edge or a corner do not
/// overlap, so a stall may abut its neighbour; boundaries within about a centimetre of each other
/// count as touching. For stall / extension / zone conflicts.
pub fn polygons_overlap(a: &[Vec<[f64; 2]>], b: &[Vec<[f64; 2]>]) -> bool {
    let (Some(ba), Some(bb)) = (BBox::of_rings(a), BBox::of_rings(b)) else {
        return false;
    };
    if !ba.intersects(&bb) {
        return false;
    }
    let edges = |poly: &[Vec<[f64; 2]>]| -> Vec<([f64; 2], [f64; 2])> {
        poly.iter()
            .flat_map(|r| {
                let n = r.len();
                (0..n).map(move |i| (r[i], r[(i + 1) % n])).filter(|(p, q)| p != q)
            })
            .collect()
    };
    let (ea, eb) = (edges(a), edges(b));
    for (a1, a2) in &ea {
        for (b1, b2) in &eb {
            if crosses_clearly(*a1, *a2, *b1, *b2) {
                return true;
            }
        }
    }
    // No clear crossing: disjoint, touching, one inside the other, or sharing edges. Probe each
    // boundary's vertices and edge midpoints, and points just either side of each edge (which
    // tells a shared edge with both interiors on one side from one between neighbours).
    for (this, other, this_edges) in [(a, b, &ea), (b, a, &eb)] {
        for (p, q) in this_edges {
            let mid = [(p[0] + q[0]) / 2.0, (p[1] + q[1]) / 2.0];
            if strictly_inside(*p, other) || strictly_inside(mid, other) {
                return true;
            }
            let len = ((q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2)).sqrt();
            let step = 3.0 * TOUCH_EPS_DEG;
            let normal = [-(q[1] - p[1]) / len * step, (q[0] - p[0]) / len * step];
            for side in [1.0, -1.0] {
                let probe = [mid[0] + side * normal[0], mid[1] + side * normal[1]];
                if strictly_inside(probe, this) && strictly_inside(probe, other) {
                    return true;
                }
            }
        }
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Metric helpers
// ---------------------------------------------------------------------------------------------

/// Metres per degree of latitude (and of longitude at the equator) on the mean sphere.
const M_PER_DEG: f64 = EARTH_RADIUS_M * PI / 180.0;

/// Great-circle distance in metres (haversine on the mean sphere, error < 0.5 %).
pub fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (lat1, lat2) = (a[1].to_radians(), b[1].to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b[0] - a[0]).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// Local equirectangular projection about `origin`: metres east and north of it.
fn local_xy(p: [f64; 2], origin: [f64; 2], cos_lat: f64) -> [f64; 2] {
    [(p[0] - origin[0]) * M_PER_DEG * cos_lat, (p[1] - origin[1]) * M_PER_DEG]
}

/// Area of one ring in m² (always ≥ 0), via a local equirectangular projection about the ring.
pub fn ring_area_m2(ring: &[[f64; 2]]) -> f64 {
    let Some(bb) = BBox::of_points(ring) else { return 0.0 };
    let o = bb.center();
    let c = o[1].to_radians().cos();
    let xy: Vec<[f64; 2]> = ring.iter().map(|p| local_xy(*p, o, c)).collect();
    ring_signed_area(&xy).abs()
}

/// Area of a polygon in m²: the outer ring minus its holes. Accurate to well under 1 % for
/// anything district-sized or smaller at Xiamen's latitude.
pub fn polygon_area_m2(polygon: &[Vec<[f64; 2]>]) -> f64 {
    match polygon.split_first() {
        Some((outer, holes)) => (ring_area_m2(outer) - holes.iter().map(|h| ring_area_m2(h)).sum::<f64>()).max(0.0),
        None => 0.0,
    }
}

/// Area-weighted centroid of a ring (for labels and for placing a stall's pin). Falls back to the
/// mean of the distinct vertices when the ring has no area.
pub fn ring_centroid(ring: &[[f64; 2]]) -> [f64; 2] {
    let v: Vec<[f64; 2]> = distinct_vertices(ring).into_iter().map(|(_, p)| p).collect();
    if v.is_empty() {
        return [f64::NAN, f64::NAN];
    }
    let o = v[0];
    let n = v.len();
    let (mut a2, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let p = [v[i][0] - o[0], v[i][1] - o[1]];
        let q = [v[(i + 1) % n][0] - o[0], v[(i + 1) % n][1] - o[1]];
        let cross = p[0] * q[1] - q[0] * p[1];
        a2 += cross;
        cx += (p[0] + q[0]) * cross;
        cy += (p[1] + q[1]) * cross;
    }
    if a2.abs() < 1e-18 {
        let k = n as f64;
        return [v.iter().map(|p| p[0]).sum::<f64>() / k, v.iter().map(|p| p[1]).sum::<f64>() / k];
    }
    [o[0] + cx / (3.0 * a2), o[1] + cy / (3.0 * a2)]
}

/// Planar distance from `p` to segment a–b, in the units of the coordinates.
fn planar_segment_distance(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 { (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
    let (ex, ey) = (a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    (ex * ex + ey * ey).sqrt()
}

/// Distance in metres from `p` to the segment a–b (nearest point of the segment, not of the
/// infinite line); for the pedestrian-clearance and street-segment checks.
pub fn distance_point_segment_m(p: [f64; 2], a: [f64; 2], b: [f64; 2]) -> f64 {
    let c = p[1].to_radians().cos();
    planar_segment_distance([0.0, 0.0], local_xy(a, p, c), local_xy(b, p, c))
}

/// Distance in metres from `p` to a polygon: 0 if inside, else to the nearest edge of any ring.
pub fn distance_point_polygon_m(p: [f64; 2], polygon: &[Vec<[f64; 2]>]) -> f64 {
    if point_in_polygon(p, polygon) {
        return 0.0;
    }
    let mut best = f64::INFINITY;
    for ring in polygon {
        let n = ring.len();
        for i in 0..n {
            best = best.min(distance_point_segment_m(p, ring[i], ring[(i + 1) % n]));
        }
    }
    best
}

/// The point `east_m` metres east and `north_m` metres north of `p` (local flat approximation,
/// fine for the tens of metres of a stall or a frontage).
pub fn offset_m(p: [f64; 2], east_m: f64, north_m: f64) -> [f64; 2] {
    let c = p[1].to_radians().cos();
    [p[0] + east_m / (M_PER_DEG * c), p[1] + north_m / M_PER_DEG]
}

/// A `width_m` × `depth_m` rectangle centred on `center`, as a closed counter-clockwise ring.
/// The width side runs along compass bearing `bearing_deg` (clockwise from north, e.g. the
/// street a frontage faces onto) and the depth side at right angles to it. Used for stalls and
/// for "frontage length × depth" extensions entered without drawing.
pub fn rectangle_polygon(center: [f64; 2], width_m: f64, depth_m: f64, bearing_deg: f64) -> Vec<[f64; 2]> {
    let b = bearing_deg.to_radians();
    let along = [b.sin(), b.cos()]; // east, north of the width direction
    let across = [b.cos(), -b.sin()]; // 90° clockwise of it
    let (hw, hd) = (width_m / 2.0, depth_m / 2.0);
    let corner = |u: f64, v: f64| offset_m(center, u * along[0] + v * across[0], u * along[1] + v * across[1]);
    let mut ring = vec![corner(-hw, -hd), corner(hw, -hd), corner(hw, hd), corner(-hw, hd)];
    set_orientation(&mut ring, true);
    close_ring(&mut ring);
    ring
}

// ---------------------------------------------------------------------------------------------
// Simplification
// ---------------------------------------------------------------------------------------------

/// Marks the points of `pts[first..=last]` Douglas–Peucker keeps. Iterative, so long coastlines
/// cannot overflow the stack.
fn dp_mark(pts: &[[f64; 2]], first: usize, last: usize, tolerance: f64, keep: &mut [bool]) {
    let mut stack = vec![(first, last)];
    while let Some((s, e)) = stack.pop() {
        if e <= s + 1 {
            continue;
        }
        let (mut far, mut far_d) = (s, -1.0);
        for (i, p) in pts.iter().enumerate().take(e).skip(s + 1) {
            let d = planar_segment_distance(*p, pts[s], pts[e]);
            if d > far_d {
                far = i;
                far_d = d;
            }
        }
        if far_d > tolerance {
            keep[far] = true;
            stack.push((s, far));
            stack.push((far, e));
        }
    }
}

/// Douglas–Peucker simplification of an open line; always keeps both ends, so lines that meet
/// at their ends (shared borders) still meet. `tolerance_deg` is a planar distance in degrees
/// (0.0001° ≈ 11 m north–south, ≈ 10 m east–west at Xiamen).
pub fn simplify_dp_line(line: &[[f64; 2]], tolerance_deg: f64) -> Vec<[f64; 2]> {
    if line.len() <= 2 {
        return line.to_vec();
    }
    let mut keep = vec![false; line.len()];
    keep[0] = true;
    keep[line.len() - 1] = true;
    dp_mark(line, 0, line.len() - 1, tolerance_deg, &mut keep);
    line.iter().zip(keep).filter(|(_, k)| *k).map(|(p, _)| *p).collect()
}

/// Douglas–Peucker simplification of a ring that keeps it closed and a polygon (at least 4
/// points). The ring is split at its first point and the vertex farthest from it, and each half
/// simplified as a line. An unclosed input is simplified as an open line. The result may still
/// need [`ring_self_intersects`] checking: no simplification of this kind guarantees validity.
pub fn simplify_dp(ring: &[[f64; 2]], tolerance_deg: f64) -> Vec<[f64; 2]> {
    if !ring_is_closed(ring) {
        return simplify_dp_line(ring, tolerance_deg);
    }
    let n = ring.len();
    if n <= 4 {
        return ring.to_vec();
    }
    let start = ring[0];
    let dist2 = |p: &[f64; 2]| (p[0] - start[0]).powi(2) + (p[1] - start[1]).powi(2);
    let far = (1..n - 1).fold(1, |best, i| if dist2(&ring[i]) > dist2(&ring[best]) { i } else { best });
    let mut keep = vec![false; n];
    keep[0] = true;
    keep[far] = true;
    keep[n - 1] = true;
    dp_mark(ring, 0, far, tolerance_deg, &mut keep);
    dp_mark(ring, far, n - 1, tolerance_deg, &mut keep);
    if keep.iter().filter(|k| **k).count() < 4 {
        // Collapsed to a line: keep the point farthest from it so the ring keeps an area.
        let third = (1..n - 1)
            .filter(|i| *i != far)
            .max_by(|a, b| {
                let da = planar_segment_distance(ring[*a], start, ring[far]);
                let db = planar_segment_distance(ring[*b], start, ring[far]);
                da.total_cmp(&db)
            })
            .unwrap_or(1);
        keep[third] = true;
    }
    ring.iter().zip(keep).filter(|(_, k)| *k).map(|(p, _)| *p).collect()
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/// One thing wrong with a polygon ring someone drew or uploaded. Positions in messages are
/// 1-based, as people count; the fields are 0-based indices into the ring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum RingProblem {
    /// Fewer than 4 points (a triangle plus the closing point is the smallest ring).
    TooFewPoints { count: usize },
    /// The last point is not the first.
    NotClosed,
    /// Two edges touch or cross; the edges are named by the index of their first point.
    SelfIntersection { first_edge: usize, second_edge: usize },
    /// An outer ring runs clockwise; only reported by [`validate_outer_ring`].
    Clockwise,
    /// Points outside [`XIAMEN_BBOX`]: how many, and the first one.
    OutsideXiamen { count: usize, first_index: usize },
    /// A coordinate is NaN or infinite: the first such point.
    NonFinite { index: usize },
}

impl RingProblem {
    /// Stable snake_case code for programs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            RingProblem::TooFewPoints { .. } => "too_few_points",
            RingProblem::NotClosed => "not_closed",
            RingProblem::SelfIntersection { .. } => "self_intersection",
            RingProblem::Clockwise => "clockwise",
            RingProblem::OutsideXiamen { .. } => "outside_xiamen",
            RingProblem::NonFinite { .. } => "non_finite",
        }
    }

    /// Message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            RingProblem::TooFewPoints { count } => {
                format!("多边形至少需要 4 个点（首尾为同一点），现在只有 {count} 个。")
            }
            RingProblem::NotClosed => "多边形未闭合：最后一个点必须与第一个点相同。".to_string(),
            RingProblem::SelfIntersection { first_edge, second_edge } => {
                format!("多边形的边线自相交（第 {} 条边与第 {} 条边）。", first_edge + 1, second_edge + 1)
            }
            RingProblem::Clockwise => "外边界须按逆时针方向排列各点。".to_string(),
            RingProblem::OutsideXiamen { count, first_index } => {
                format!("有 {count} 个点不在厦门市范围内（第一个是第 {} 个点）。", first_index + 1)
            }
            RingProblem::NonFinite { index } => format!("第 {} 个点的坐标不是有效数字。", index + 1),
        }
    }

    /// Message in English.
    pub fn en(&self) -> String {
        match self {
            RingProblem::TooFewPoints { count } => {
                format!("A polygon needs at least 4 points (the first repeated at the end); it has {count}.")
            }
            RingProblem::NotClosed => "The polygon is not closed: its last point must equal its first.".to_string(),
            RingProblem::SelfIntersection { first_edge, second_edge } => format!(
                "The polygon's outline crosses or touches itself (edges {} and {}).",
                first_edge + 1,
                second_edge + 1
            ),
            RingProblem::Clockwise => "The outer boundary must run counter-clockwise.".to_string(),
            RingProblem::OutsideXiamen { count, first_index } => {
                format!("{count} point(s) lie outside Xiamen (the first is point {}).", first_index + 1)
            }
            RingProblem::NonFinite { index } => format!("Point {} has a coordinate that is not a number.", index + 1),
        }
    }

    /// Both messages.
    pub fn text(&self) -> Text {
        Text::new(self.zh(), self.en())
    }

    /// As a problem+json field error for `field` (e.g. `geometry.coordinates[0]`).
    pub fn field_error(&self, field: &str) -> FieldError {
        FieldError::new(field, self.code(), self.zh(), self.en())
    }
}

/// Every problem of a polygon ring at once, so the user can fix them in one go: too few points,
/// not closed, self-crossing, points outside Xiamen, non-finite numbers. Orientation is not
/// checked (readers accept either, RFC 7946 §3.1.6); use [`validate_outer_ring`] or [`is_ccw`]
/// where it matters. An empty result means the ring is usable.
pub fn validate_polygon_ring(ring: &[[f64; 2]]) -> Vec<RingProblem> {
    let mut problems = Vec::new();
    let non_finite = ring.iter().position(|p| !is_finite(*p));
    if let Some(index) = non_finite {
        problems.push(RingProblem::NonFinite { index });
    }
    if ring.len() < 4 {
        problems.push(RingProblem::TooFewPoints { count: ring.len() });
    }
    if !ring.is_empty() && !ring_is_closed(ring) {
        problems.push(RingProblem::NotClosed);
    }
    let outside: Vec<usize> =
        (0..ring.len()).filter(|i| is_finite(ring[*i]) && !XIAMEN_BBOX.contains(ring[*i])).collect();
    if let Some(first_index) = outside.first() {
        problems.push(RingProblem::OutsideXiamen { count: outside.len(), first_index: *first_index });
    }
    if non_finite.is_none()
        && let Some((first_edge, second_edge)) = ring_self_intersection(ring)
    {
        problems.push(RingProblem::SelfIntersection { first_edge, second_edge });
    }
    problems
}

/// [`validate_polygon_ring`] plus orientation: for outer rings we are about to store or publish,
/// which RFC 7946 wants counter-clockwise. Orientation is only judged for a simple ring with an
/// area; a self-crossing ring has no single orientation.
pub fn validate_outer_ring(ring: &[[f64; 2]]) -> Vec<RingProblem> {
    let mut problems = validate_polygon_ring(ring);
    let judgeable = problems.iter().all(|p| matches!(p, RingProblem::OutsideXiamen { .. } | RingProblem::NotClosed));
    if judgeable && ring.len() >= 3 && ring_signed_area(ring) < 0.0 {
        problems.push(RingProblem::Clockwise);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() <= eps
    }

    /// A 0.01° square in Siming, counter-clockwise.
    fn square() -> Vec<[f64; 2]> {
        vec![[118.08, 24.45], [118.09, 24.45], [118.09, 24.46], [118.08, 24.46], [118.08, 24.45]]
    }

    fn sq(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<[f64; 2]> {
        vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
    }

    // --- GCJ-02 ---

    /// Published eviltransform test vectors (lat, lon order there).
    const GCJ_CASES: [([f64; 2], [f64; 2]); 3] = [
        ([121.5272106, 31.1774276], [121.531541859215, 31.17530398364597]), // Shanghai
        ([113.912316, 22.543847], [113.9171764808363, 22.540796131694766]), // Shenzhen
        ([116.377817, 39.911954], [116.38404722455657, 39.91334545536069]), // Beijing
    ];

    #[test]
    fn wgs84_to_gcj02_matches_reference_values() {
        for (wgs, gcj) in GCJ_CASES {
            let got = wgs84_to_gcj02(wgs);
            assert!(close(got[0], gcj[0], 1e-6) && close(got[1], gcj[1], 1e-6), "{wgs:?} → {got:?}, want {gcj:?}");
        }
    }

    #[test]
    fn gcj02_to_wgs84_inverts_to_within_a_centimetre() {
        for (wgs, gcj) in GCJ_CASES {
            let got = gcj02_to_wgs84(gcj);
            assert!(haversine_m(got, wgs) < 0.1, "{gcj:?} → {got:?}, want {wgs:?}");
        }
        // Round trip on a grid over Xiamen: the iteration is exact to ≪ 1e-7°.
        for i in 0..=10 {
            for j in 0..=10 {
                let w = [117.8 + 0.07 * i as f64, 24.3 + 0.07 * j as f64];
                let back = gcj02_to_wgs84(wgs84_to_gcj02(w));
                assert!(close(back[0], w[0], 1e-8) && close(back[1], w[1], 1e-8), "{w:?} → {back:?}");
            }
        }
    }

    #[test]
    fn gcj02_offset_in_xiamen_is_a_few_hundred_metres_south_east() {
        let w = [118.0705, 24.4563];
        let g = wgs84_to_gcj02(w);
        let d = haversine_m(w, g);
        assert!((300.0..800.0).contains(&d), "offset {d} m");
        assert!(g[0] > w[0] && g[1] < w[1], "{g:?}");
    }

    #[test]
    fn points_outside_china_and_non_finite_are_unchanged() {
        for p in [[2.35, 48.86], [-74.0, 40.7], [151.2, -33.9], [f64::NAN, 24.0]] {
            let a = wgs84_to_gcj02(p);
            let b = gcj02_to_wgs84(p);
            assert!(a[0].to_bits() == p[0].to_bits() && a[1].to_bits() == p[1].to_bits());
            assert!(b[0].to_bits() == p[0].to_bits() && b[1].to_bits() == p[1].to_bits());
        }
        assert!(in_gcj02_area([118.0, 24.5]));
        assert!(!in_gcj02_area([140.0, 35.0]));
    }

    // --- Mercator ---

    #[test]
    fn mercator_known_points() {
        assert_eq!(mercator([0.0, 0.0]), [0.5, 0.5]);
        let tl = mercator([-180.0, MAX_MERCATOR_LAT]);
        let br = mercator([180.0, -MAX_MERCATOR_LAT]);
        assert!(close(tl[0], 0.0, 1e-12) && close(tl[1], 0.0, 1e-9), "{tl:?}");
        assert!(close(br[0], 1.0, 1e-12) && close(br[1], 1.0, 1e-9), "{br:?}");
        // Clamped beyond the limit; y grows southwards.
        assert_eq!(mercator([0.0, 89.9]), mercator([0.0, MAX_MERCATOR_LAT]));
        assert!(mercator([118.0, 24.4])[1] > mercator([118.0, 24.9])[1]);
    }

    #[test]
    fn mercator_round_trips() {
        for p in [[118.0705, 24.4563], [-122.4, 37.8], [0.0, -60.0], [179.9, 85.0]] {
            let back = inverse_mercator(mercator(p));
            assert!(close(back[0], p[0], 1e-9) && close(back[1], p[1], 1e-9), "{p:?} → {back:?}");
        }
    }

    // --- BBox ---

    #[test]
    fn bbox_basics() {
        assert_eq!(BBox::of_points(&[]), None);
        assert_eq!(BBox::of_points(&[[f64::NAN, 1.0]]), None);
        let mut b = BBox::of_points(&square()).unwrap();
        assert_eq!(b, BBox { min_lon: 118.08, min_lat: 24.45, max_lon: 118.09, max_lat: 24.46 });
        assert!(b.contains([118.085, 24.455]) && b.contains([118.08, 24.46]));
        assert!(!b.contains([118.07, 24.455]));
        assert!(close(b.center()[0], 118.085, 1e-12) && close(b.center()[1], 24.455, 1e-12));
        b.extend([118.1, 24.4]);
        b.extend([f64::NAN, 0.0]);
        assert_eq!(b, BBox { min_lon: 118.08, min_lat: 24.4, max_lon: 118.1, max_lat: 24.46 });
        let u = BBox::of_point([117.0, 25.0]).union(&b);
        assert_eq!(u, BBox { min_lon: 117.0, min_lat: 24.4, max_lon: 118.1, max_lat: 25.0 });
        assert!(u.intersects(&b) && !BBox::of_point([0.0, 0.0]).intersects(&b));
        let r = BBox::of_rings(&[square(), vec![[118.2, 24.6]]]).unwrap();
        assert_eq!((r.max_lon, r.max_lat), (118.2, 24.6));
    }

    #[test]
    fn xiamen_bbox_contains_the_city_and_not_its_neighbours() {
        assert!(XIAMEN_BBOX.contains([118.0705, 24.4563])); // Zhongshan Road
        assert!(XIAMEN_BBOX.contains([118.1413, 24.7367])); // Tong'an
        assert!(!XIAMEN_BBOX.contains([119.30, 26.08])); // Fuzhou
        assert!(!XIAMEN_BBOX.contains([24.4563, 118.0705])); // swapped
        let gcj_fixed_in_wgs = gcj02_to_wgs84([118.0705, 24.4563]);
        assert!(XIAMEN_BBOX.contains(gcj_fixed_in_wgs));
    }

    // --- Viewport ---

    fn xiamen_vp() -> Viewport {
        Viewport::fit(&BBox { min_lon: 117.9, min_lat: 24.4, max_lon: 118.4, max_lat: 24.9 }, 1000.0, 800.0, 20.0)
    }

    #[test]
    fn viewport_fits_bbox_with_padding_and_aspect_ratio() {
        let vp = xiamen_vp();
        let (x0, y0) = vp.project([117.9, 24.9]);
        let (x1, y1) = vp.project([118.4, 24.4]);
        // North-west is top-left.
        assert!(x0 < x1 && y0 < y1);
        // The limiting axis (height: the box is slightly taller than wide in Mercator) touches the padding.
        assert!(close(y0, 20.0, 1e-6) && close(y1, 780.0, 1e-6), "{y0} {y1}");
        // Centred horizontally, inside the padding.
        assert!(close((x0 + x1) / 2.0, 500.0, 1e-6) && x0 >= 20.0 && x1 <= 980.0);
        // Aspect kept: one metre is the same number of units east-west and north-south.
        let c = [118.15, 24.65];
        let (cx, cy) = vp.project(c);
        let (ex, _) = vp.project(offset_m(c, 1000.0, 0.0));
        let (_, ny) = vp.project(offset_m(c, 0.0, 1000.0));
        assert!(close(ex - cx, cy - ny, 0.01 * (ex - cx)), "{} vs {}", ex - cx, cy - ny);
        assert!(close(vp.units_per_metre(24.65) * 1000.0, ex - cx, 0.01 * (ex - cx)));
        assert_eq!(vp.view_box_string(), "0 0 1000 800");
    }

    #[test]
    fn viewport_unproject_inverts_project() {
        let vp = xiamen_vp();
        for p in [[118.0705, 24.4563], [117.95, 24.85], [118.3, 24.5]] {
            let (x, y) = vp.project(p);
            let back = vp.unproject(x, y);
            assert!(close(back[0], p[0], 1e-9) && close(back[1], p[1], 1e-9));
        }
    }

    #[test]
    fn viewport_handles_degenerate_boxes() {
        let vp = Viewport::fit(&BBox::of_point([118.08, 24.45]), 100.0, 100.0, 10.0);
        let (x, y) = vp.project([118.08, 24.45]);
        assert!(close(x, 50.0, 1e-9) && close(y, 50.0, 1e-9));
        assert!(vp.project([118.081, 24.45]).0.is_finite());
        let vp = Viewport::fit(&BBox::of_point([118.08, 24.45]), 0.0, -5.0, 10.0);
        assert!(vp.project([118.08, 24.45]).0.is_finite());
    }

    #[test]
    fn viewport_zoom_keeps_the_anchor_and_clamps() {
        let mut vp = xiamen_vp();
        vp.zoom_at(2.0, 250.0, 200.0);
        assert_eq!(vp.view_box(), [125.0, 100.0, 500.0, 400.0]);
        assert!(close(vp.zoom(), 2.0, 1e-12));
        // The anchor stays at the same relative position of the view.
        let [x, y, w, h] = vp.view_box();
        assert!(close((250.0 - x) / w, 0.25, 1e-12) && close((200.0 - y) / h, 0.25, 1e-12));
        vp.zoom_at(1e9, 500.0, 400.0);
        assert!(close(vp.zoom(), Viewport::MAX_ZOOM, 1e-9));
        vp.zoom_at(1e-9, 500.0, 400.0);
        assert!(close(vp.zoom(), 1.0, 1e-9));
        vp.zoom_at(f64::NAN, 0.0, 0.0);
        assert!(close(vp.zoom(), 1.0, 1e-9));
        vp.reset();
        assert_eq!(vp.view_box_string(), "0 0 1000 800");
    }

    #[test]
    fn viewport_pan_moves_content_and_stays_near_the_map() {
        let mut vp = xiamen_vp();
        vp.zoom_at(4.0, 500.0, 400.0);
        assert_eq!(vp.view_box_string(), "375 300 250 200");
        vp.pan(10.0, -20.5);
        assert_eq!(vp.view_box_string(), "365 320.5 250 200");
        vp.pan(1e6, 1e6);
        // Centre clamped to the top-left corner of the user space.
        assert_eq!(vp.view_box_string(), "-125 -100 250 200");
    }

    #[test]
    fn viewport_show_puts_the_box_in_view_whatever_the_zoom() {
        let mut vp = xiamen_vp();
        vp.zoom_at(50.0, 10.0, 10.0);
        let zones = BBox { min_lon: 118.05, min_lat: 24.43, max_lon: 118.2, max_lat: 24.55 };
        vp.show(&zones, 0.8);
        let seen = vp.visible_bbox();
        assert!(seen.contains([zones.min_lon, zones.min_lat]) && seen.contains([zones.max_lon, zones.max_lat]));
        // It filled 80 % of the view in the limiting dimension, so it is zoomed in, not the city.
        assert!(vp.zoom() > 2.0, "{}", vp.zoom());
        // A single point gets the deepest zoom, centred.
        vp.show(&BBox::of_point([118.1, 24.5]), 0.8);
        assert!(close(vp.zoom(), Viewport::MAX_ZOOM, 1e-9));
        let [x, y, w, h] = vp.view_box();
        let (px, py) = vp.project([118.1, 24.5]);
        assert!(close(x + w / 2.0, px, 1e-6) && close(y + h / 2.0, py, 1e-6));
        // A box bigger than the map shows everything.
        vp.show(&BBox { min_lon: 100.0, min_lat: 10.0, max_lon: 130.0, max_lat: 40.0 }, 0.8);
        assert!(close(vp.zoom(), 1.0, 1e-9));
    }

    #[test]
    fn viewport_screen_to_svg_and_visible_bbox() {
        let vp = xiamen_vp();
        // Same aspect as the user space: a plain scale.
        assert_eq!(vp.screen_to_svg(250.0, 200.0, 500.0, 400.0), (500.0, 400.0));
        // Wider screen: letterboxed left and right by 100 px.
        assert_eq!(vp.screen_to_svg(100.0, 0.0, 700.0, 400.0), (0.0, 0.0));
        let b = vp.visible_bbox();
        assert!(b.contains([117.9, 24.4]) && b.contains([118.4, 24.9]));
        assert!(b.max_lat > b.min_lat && b.max_lon > b.min_lon);
    }

    #[test]
    fn svg_path_d_format() {
        let vp = Viewport::fit(&BBox::of_points(&square()).unwrap(), 100.0, 100.0, 0.0);
        let d = svg_path_d(&[square()], &vp);
        assert!(d.starts_with("M ") && d.ends_with(" Z"), "{d}");
        assert_eq!(d.matches('L').count(), 3, "closing point left to Z: {d}");
        for tok in d.split(' ').filter(|t| !["M", "L", "Z"].contains(t)) {
            let (_, frac) = tok.split_once('.').expect("one decimal");
            assert_eq!(frac.len(), 1, "{tok}");
            assert!(!tok.starts_with("-0.0"));
        }
        // The square is not quite square in Mercator; its height fills 0..100.
        assert!(d.contains(" 100.0") && d.contains(" 0.0"), "{d}");
        // Two rings → two subpaths; empty rings are skipped.
        let hole = sq(118.083, 24.453, 118.087, 24.457);
        let d2 = svg_path_d(&[square(), vec![], hole], &vp);
        assert_eq!(d2.matches('M').count(), 2);
        assert_eq!(d2.matches('Z').count(), 2);
        assert_eq!(svg_path_d(&[], &vp), "");
    }

    #[test]
    fn number_formatting() {
        assert_eq!(fmt_trimmed(-0.0001, 3), "0");
        assert_eq!(fmt_trimmed(12.5, 3), "12.5");
        assert_eq!(fmt_trimmed(100.0, 3), "100");
        assert_eq!(fmt_1(-0.04), "0.0");
        assert_eq!(fmt_1(3.25), "3.2");
    }

    // --- rings ---

    #[test]
    fn orientation_and_closure() {
        let s = square();
        assert!(ring_is_closed(&s) && !ring_is_closed(&s[..4]) && !ring_is_closed(&[[1.0, 1.0]]));
        assert!(close(ring_signed_area(&s), 1e-4, 1e-12));
        assert!(close(ring_signed_area(&s[..4]), 1e-4, 1e-12), "unclosed works too");
        assert!(is_ccw(&s));
        let mut r = s.clone();
        r.reverse();
        assert!(!is_ccw(&r) && ring_signed_area(&r) < 0.0);
        set_orientation(&mut r, true);
        assert_eq!(r, s);
        set_orientation(&mut r, true);
        assert_eq!(r, s);
        let mut open = s[..4].to_vec();
        close_ring(&mut open);
        assert_eq!(open, s);
        close_ring(&mut open);
        assert_eq!(open.len(), 5);
        assert_eq!(ring_signed_area(&s[..2]), 0.0);
    }

    #[test]
    fn segment_intersection_cases() {
        let (a, b) = ([0.0, 0.0], [2.0, 2.0]);
        assert!(segments_intersect(a, b, [0.0, 2.0], [2.0, 0.0])); // X
        assert!(segments_cross(a, b, [0.0, 2.0], [2.0, 0.0]));
        assert!(segments_intersect(a, b, [1.0, 1.0], [3.0, 0.0])); // T-touch
        assert!(!segments_cross(a, b, [1.0, 1.0], [3.0, 0.0]));
        assert!(segments_intersect(a, b, [1.0, 1.0], [3.0, 3.0])); // collinear overlap
        assert!(!segments_cross(a, b, [1.0, 1.0], [3.0, 3.0]));
        assert!(segments_intersect(a, b, [2.0, 2.0], [3.0, 5.0])); // shared end
        assert!(!segments_intersect(a, b, [3.0, 3.0], [4.0, 4.0])); // collinear apart
        assert!(!segments_intersect(a, b, [0.0, 1.0], [1.0, 2.0])); // parallel
        assert!(!segments_intersect(a, b, [2.0, 0.0], [1.1, 0.9])); // near miss
    }

    #[test]
    fn self_intersection_detection() {
        assert!(!ring_self_intersects(&square()));
        assert!(!ring_self_intersects(&square()[..4]), "unclosed is treated as closed");
        // Bow tie.
        let bow = vec![[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]];
        assert_eq!(ring_self_intersection(&bow), Some((0, 2)));
        // Touching itself at a vertex (figure 8 through one point).
        let eight = vec![
            [0.0, 0.0],
            [1.0, 0.0],
            [1.0, 1.0],
            [2.0, 1.0],
            [2.0, 2.0],
            [1.0, 2.0],
            [1.0, 1.0],
            [0.0, 1.0],
            [0.0, 0.0],
        ];
        assert!(ring_self_intersects(&eight));
        // Spike doubling back on itself.
        let spike = vec![[0.0, 0.0], [2.0, 0.0], [3.0, 0.0], [1.5, 0.0], [1.5, 1.0], [0.0, 1.0], [0.0, 0.0]];
        assert!(ring_self_intersects(&spike));
        // A repeated (consecutive duplicate) point is not a crossing.
        let dup = vec![[0.0, 0.0], [1.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        assert!(!ring_self_intersects(&dup));
        // Collinear consecutive points going on straight are fine.
        let straight = vec![[0.0, 0.0], [1.0, 0.0], [2.0, 0.0], [2.0, 1.0], [0.0, 1.0], [0.0, 0.0]];
        assert!(!ring_self_intersects(&straight));
        assert!(!ring_self_intersects(&[[0.0, 0.0], [1.0, 0.0]]));
    }

    #[test]
    fn point_in_ring_and_polygon_with_hole() {
        let outer = sq(0.0, 0.0, 10.0, 10.0);
        let mut hole = sq(4.0, 4.0, 6.0, 6.0);
        hole.reverse();
        let poly = vec![outer.clone(), hole];
        assert!(point_in_ring([5.0, 5.0], &outer));
        assert!(point_in_ring([5.0, 5.0], &outer[..4]));
        assert!(!point_in_ring([11.0, 5.0], &outer));
        assert!(point_in_polygon([1.0, 1.0], &poly));
        assert!(!point_in_polygon([5.0, 5.0], &poly), "in the hole");
        assert!(!point_in_polygon([-1.0, 5.0], &poly));
        assert!(!point_in_polygon([1.0, 1.0], &[]));
        // Concave: an L shape.
        let l = vec![[0.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0], [1.0, 2.0], [0.0, 2.0], [0.0, 0.0]];
        assert!(point_in_ring([0.5, 1.5], &l) && !point_in_ring([1.5, 1.5], &l));
        // A ray through a vertex is counted once.
        let diamond = vec![[0.0, -1.0], [1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]];
        assert!(point_in_ring([-0.5, 0.0], &diamond) && !point_in_ring([-1.5, 0.0], &diamond));
    }

    #[test]
    fn polygon_overlap_cases() {
        let a = vec![sq(0.0, 0.0, 2.0, 2.0)];
        assert!(polygons_overlap(&a, &[sq(1.0, 1.0, 3.0, 3.0)]), "edges cross");
        assert!(polygons_overlap(&a, &[sq(0.5, 0.5, 1.0, 1.0)]), "b inside a");
        assert!(polygons_overlap(&[sq(0.5, 0.5, 1.0, 1.0)], &a), "a inside b");
        assert!(polygons_overlap(&a, &a.clone()), "identical");
        assert!(polygons_overlap(&a, &[sq(0.0, 0.0, 1.0, 2.0)]), "inside, sharing three edges");
        assert!(!polygons_overlap(&a, &[sq(2.0, 0.0, 4.0, 2.0)]), "shared edge only");
        assert!(!polygons_overlap(&a, &[sq(2.0, 2.0, 3.0, 3.0)]), "shared corner only");
        assert!(!polygons_overlap(&a, &[sq(2.0, 0.5, 3.0, 1.5)]), "partly shared edge");
        assert!(!polygons_overlap(&a, &[sq(5.0, 5.0, 6.0, 6.0)]), "apart");
        assert!(!polygons_overlap(&a, &[]));
        // In a hole: no overlap; straddling the hole's edge: overlap.
        let mut hole = sq(0.5, 0.5, 1.5, 1.5);
        hole.reverse();
        let donut = vec![sq(0.0, 0.0, 2.0, 2.0), hole];
        assert!(!polygons_overlap(&donut, &[sq(0.7, 0.7, 1.3, 1.3)]));
        assert!(!polygons_overlap(&donut, &[sq(0.5, 0.5, 1.5, 1.5)]), "fills the hole exactly");
        assert!(polygons_overlap(&donut, &[sq(1.2, 1.2, 1.8, 1.8)]));
        // Metre-sized stalls side by side, as zones are laid out.
        let c = [118.08, 24.45];
        let s1 = rectangle_polygon(c, 3.0, 2.0, 0.0);
        let s2 = rectangle_polygon(offset_m(c, 0.0, 3.0), 3.0, 2.0, 0.0);
        let s3 = rectangle_polygon(offset_m(c, 0.0, 2.5), 3.0, 2.0, 0.0);
        assert!(!polygons_overlap(std::slice::from_ref(&s1), &[s2]));
        assert!(polygons_overlap(&[s1], &[s3]));
        // Rotated, corners computed separately: last-bit differences are still "touching".
        for bearing in [17.0, 30.0, 123.4] {
            let along = |m: f64| {
                let b: f64 = f64::to_radians(bearing);
                offset_m(c, m * b.sin(), m * b.cos())
            };
            let r1 = rectangle_polygon(c, 3.0, 2.0, bearing);
            let r2 = rectangle_polygon(along(3.0), 3.0, 2.0, bearing);
            let r3 = rectangle_polygon(along(2.9), 3.0, 2.0, bearing);
            assert!(!polygons_overlap(std::slice::from_ref(&r1), &[r2]), "bearing {bearing}");
            assert!(polygons_overlap(&[r1], &[r3]), "bearing {bearing}");
        }
    }

    // --- metric ---

    #[test]
    fn haversine_known_distances() {
        // One degree of latitude ≈ 111.2 km on the mean sphere.
        assert!(close(haversine_m([118.0, 24.0], [118.0, 25.0]), 111_195.0, 5.0));
        // Zhongshan Road → Jimei school village ≈ 13.6 km.
        let d = haversine_m([118.0705, 24.4563], [118.1050, 24.5750]);
        assert!((13_000.0..14_000.0).contains(&d), "{d}");
        assert_eq!(haversine_m([118.0, 24.0], [118.0, 24.0]), 0.0);
        assert!(close(haversine_m([0.0, 0.0], [180.0, 0.0]), PI * EARTH_RADIUS_M, 1.0));
    }

    #[test]
    fn offsets_and_areas_in_metres() {
        let c = [118.08, 24.45];
        let e = offset_m(c, 100.0, 0.0);
        let n = offset_m(c, 0.0, 100.0);
        assert!(close(haversine_m(c, e), 100.0, 0.01) && close(e[1], c[1], 1e-12) && e[0] > c[0]);
        assert!(close(haversine_m(c, n), 100.0, 0.01) && n[1] > c[1]);
        let r = rectangle_polygon(c, 30.0, 20.0, 0.0);
        assert!(close(ring_area_m2(&r), 600.0, 0.5));
        assert!(close(polygon_area_m2(std::slice::from_ref(&r)), 600.0, 0.5));
        let mut hole = rectangle_polygon(c, 10.0, 10.0, 0.0);
        hole.reverse();
        assert!(close(polygon_area_m2(&[r, hole]), 500.0, 0.5));
        assert_eq!(polygon_area_m2(&[]), 0.0);
        // 0.01° square at 24.455°N: 1112 m × 1012 m.
        let a = ring_area_m2(&square());
        assert!(close(a, 1111.95 * 1111.95 * 0.91028, 3_000.0), "{a}");
    }

    #[test]
    fn rectangle_polygon_geometry() {
        let c = [118.08, 24.45];
        for bearing in [0.0, 30.0, 90.0, 135.0, 270.0, -45.0] {
            let r = rectangle_polygon(c, 6.0, 2.0, bearing);
            assert_eq!(r.len(), 5);
            assert!(ring_is_closed(&r) && is_ccw(&r), "bearing {bearing}");
            assert!(validate_outer_ring(&r).is_empty());
            let sides: Vec<f64> = r.windows(2).map(|w| haversine_m(w[0], w[1])).collect();
            let mut sorted = sides.clone();
            sorted.sort_by(f64::total_cmp);
            assert!(close(sorted[0], 2.0, 0.01) && close(sorted[3], 6.0, 0.01), "{sides:?}");
            let cen = ring_centroid(&r);
            assert!(haversine_m(cen, c) < 0.01);
        }
        // Width along the bearing: at bearing 90° the long side runs east–west.
        let r = rectangle_polygon(c, 6.0, 2.0, 90.0);
        let bb = BBox::of_points(&r).unwrap();
        let ew = haversine_m([bb.min_lon, c[1]], [bb.max_lon, c[1]]);
        assert!(close(ew, 6.0, 0.01), "{ew}");
    }

    #[test]
    fn centroid_of_rings() {
        let c = ring_centroid(&sq(0.0, 0.0, 2.0, 4.0));
        assert!(close(c[0], 1.0, 1e-12) && close(c[1], 2.0, 1e-12));
        let l = vec![[0.0, 0.0], [2.0, 0.0], [2.0, 1.0], [1.0, 1.0], [1.0, 2.0], [0.0, 2.0], [0.0, 0.0]];
        let c = ring_centroid(&l);
        assert!(close(c[0], 5.0 / 6.0, 1e-12) && close(c[1], 5.0 / 6.0, 1e-12), "{c:?}");
        let c = ring_centroid(&[[1.0, 1.0], [3.0, 3.0], [1.0, 1.0]]);
        assert_eq!(c, [2.0, 2.0]);
        assert!(ring_centroid(&[])[0].is_nan());
    }

    #[test]
    fn distances_to_segments_and_polygons() {
        let c = [118.08, 24.45];
        let a = offset_m(c, -50.0, 10.0);
        let b = offset_m(c, 50.0, 10.0);
        assert!(close(distance_point_segment_m(c, a, b), 10.0, 0.01));
        // Beyond the end: distance to the end point.
        let far = offset_m(c, 80.0, 10.0);
        assert!(close(distance_point_segment_m(far, a, b), 30.0, 0.02));
        assert!(close(distance_point_segment_m(c, a, a), haversine_m(c, a), 0.01));
        let poly = vec![rectangle_polygon(c, 20.0, 20.0, 0.0)];
        assert_eq!(distance_point_polygon_m(c, &poly), 0.0);
        assert!(close(distance_point_polygon_m(offset_m(c, 0.0, 25.0), &poly), 15.0, 0.01));
        assert!(close(distance_point_polygon_m(offset_m(c, 13.0, 14.0), &poly), 5.0, 0.01));
        assert_eq!(distance_point_polygon_m(c, &[]), f64::INFINITY);
    }

    // --- simplification ---

    #[test]
    fn simplify_line_keeps_ends_and_corners() {
        // A tent with a 0.01 wobble.
        let line: Vec<[f64; 2]> =
            (0..=10).map(|i| [i as f64, 3.0 - (i as f64 - 5.0).abs() * 0.6 + 0.01 * (i % 2) as f64]).collect();
        let s = simplify_dp_line(&line, 0.1);
        assert_eq!(s, vec![line[0], line[5], line[10]]);
        assert_eq!(simplify_dp_line(&line, 0.0).len(), line.len());
        assert_eq!(simplify_dp_line(&line[..2], 10.0), line[..2].to_vec());
    }

    #[test]
    fn simplify_ring_stays_closed_and_a_polygon() {
        // A circle of 100 points with a 0.001 wobble.
        let mut ring: Vec<[f64; 2]> = (0..100)
            .map(|i| {
                let t = i as f64 / 100.0 * 2.0 * PI;
                let r = 1.0 + 0.001 * (i % 2) as f64;
                [r * t.cos(), r * t.sin()]
            })
            .collect();
        close_ring(&mut ring);
        let s = simplify_dp(&ring, 0.01);
        assert!(ring_is_closed(&s) && s.len() >= 4 && s.len() < 40, "{}", s.len());
        assert!(is_ccw(&s) && !ring_self_intersects(&s));
        assert!(s.iter().all(|p| ring.contains(p)), "only original points");
        let area = ring_signed_area(&s);
        assert!(area > 0.95 * PI && area <= PI * 1.003, "{area}");
        // A huge tolerance still leaves a ring with an area.
        let tiny = simplify_dp(&ring, 10.0);
        assert_eq!(tiny.len(), 4);
        assert!(ring_signed_area(&tiny).abs() > 0.1);
        // Nothing to do for a triangle; unclosed input is a line.
        let tri = vec![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 0.0]];
        assert_eq!(simplify_dp(&tri, 5.0), tri);
        assert_eq!(simplify_dp(&tri[..3], 5.0), vec![[0.0, 0.0], [0.0, 1.0]]);
    }

    // --- validation ---

    #[test]
    fn valid_ring_has_no_problems() {
        assert_eq!(validate_polygon_ring(&square()), vec![]);
        assert_eq!(validate_outer_ring(&square()), vec![]);
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        // Three points, unclosed, one outside Xiamen.
        let r = vec![[118.08, 24.45], [118.09, 24.45], [120.0, 24.46]];
        let codes: Vec<&str> = validate_polygon_ring(&r).iter().map(RingProblem::code).collect();
        assert_eq!(codes, vec!["too_few_points", "not_closed", "outside_xiamen"]);
        // Bow tie, clockwise-ish, with a swapped coordinate.
        let bow = vec![[118.08, 24.45], [118.09, 24.46], [118.09, 24.45], [24.46, 118.08], [118.08, 24.45]];
        let problems = validate_outer_ring(&bow);
        assert_eq!(problems[0], RingProblem::OutsideXiamen { count: 1, first_index: 3 });
        assert!(problems.iter().any(|p| p.code() == "self_intersection"));
        let bow = vec![[118.08, 24.45], [118.09, 24.46], [118.09, 24.45], [118.08, 24.46], [118.08, 24.45]];
        assert_eq!(
            validate_outer_ring(&bow),
            vec![RingProblem::SelfIntersection { first_edge: 0, second_edge: 2 }],
            "no orientation verdict for a self-crossing ring"
        );
        // NaN: reported, and no geometry checks on garbage.
        let nan = vec![[118.08, 24.45], [f64::NAN, 24.45], [118.09, 24.46], [118.08, 24.45]];
        assert_eq!(validate_polygon_ring(&nan), vec![RingProblem::NonFinite { index: 1 }]);
        assert_eq!(
            validate_polygon_ring(&[]).iter().map(RingProblem::code).collect::<Vec<_>>(),
            vec!["too_few_points"]
        );
    }

    #[test]
    fn orientation_only_where_asked() {
        let mut cw = square();
        cw.reverse();
        assert_eq!(validate_polygon_ring(&cw), vec![]);
        assert_eq!(validate_outer_ring(&cw), vec![RingProblem::Clockwise]);
        assert!(!is_ccw(&cw));
        let mut open_cw = cw.clone();
        open_cw.pop();
        assert_eq!(validate_outer_ring(&open_cw), vec![RingProblem::NotClosed, RingProblem::Clockwise]);
    }

    #[test]
    fn problem_messages_codes_and_serialisation() {
        let all = [
            RingProblem::TooFewPoints { count: 2 },
            RingProblem::NotClosed,
            RingProblem::SelfIntersection { first_edge: 0, second_edge: 2 },
            RingProblem::Clockwise,
            RingProblem::OutsideXiamen { count: 3, first_index: 4 },
            RingProblem::NonFinite { index: 0 },
        ];
        let mut codes = std::collections::BTreeSet::new();
        for p in &all {
            assert!(codes.insert(p.code()));
            assert!(p.code().chars().all(|c| c.is_ascii_lowercase() || c == '_'));
            assert!(!p.zh().is_empty() && !p.en().is_empty());
            assert!(p.zh().chars().any(|c| c > '\u{2e80}'), "Chinese: {}", p.zh());
            let json = serde_json::to_value(p).unwrap();
            assert_eq!(json["code"], p.code());
            assert_eq!(serde_json::from_value::<RingProblem>(json).unwrap(), *p);
            let fe = p.field_error("geometry.coordinates[0]");
            assert_eq!((fe.code.as_str(), fe.message.en.as_str()), (p.code(), p.en().as_str()));
            assert_eq!(p.text().zh, p.zh());
        }
        assert_eq!(all[2].en(), "The polygon's outline crosses or touches itself (edges 1 and 3).");
        assert!(all[4].zh().contains("第 5 个点"));
    }
}
