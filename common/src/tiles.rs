//! A street basemap under the SVG map: raster tiles from an XYZ source the operator configures
//! (Tianditu in WGS84/CGCS2000, a self-hosted OpenStreetMap tile server, or a GCJ-02 source),
//! picked and placed for the current view. Pure maths, unit-tested natively; the map draws the
//! tiles as `<image>` elements in the same projection as the zones.

use serde::{Deserialize, Serialize};

use crate::geo::{BBox, MAX_MERCATOR_LAT, inverse_mercator, mercator, wgs84_to_gcj02};

/// The datum a tile source draws in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TileDatum {
    /// WGS84 / CGCS2000 (Tianditu, OpenStreetMap): the same as our coordinates.
    #[default]
    Wgs84,
    /// GCJ-02 (Amap, Tencent): shifted a few hundred metres; tiles are moved back into place.
    Gcj02,
}

impl TileDatum {
    pub fn parse(s: &str) -> Option<TileDatum> {
        match s.trim().to_ascii_lowercase().as_str() {
            "wgs84" | "cgcs2000" => Some(TileDatum::Wgs84),
            "gcj02" | "gcj-02" => Some(TileDatum::Gcj02),
            _ => None,
        }
    }
}

/// An XYZ raster tile source, as the operator sets it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TileSource {
    /// URL template with `{z}`, `{x}`, `{y}` and optionally `{s}` (one of `subdomains`).
    pub url: String,
    /// Shown on the map, as the source's licence requires (e.g. "© OpenStreetMap contributors").
    pub attribution: String,
    #[serde(default)]
    pub datum: TileDatum,
    pub max_zoom: u8,
    /// Characters substituted for `{s}`, e.g. "01234567" for Tianditu's t0…t7.
    #[serde(default)]
    pub subdomains: String,
}

impl TileSource {
    /// Checks a template: http(s), with `{z}`, `{x}` and `{y}`.
    pub fn check(url: &str) -> Result<(), String> {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err("must start with http:// or https://".into());
        }
        for p in ["{z}", "{x}", "{y}"] {
            if !url.contains(p) {
                return Err(format!("must contain {p}"));
            }
        }
        Ok(())
    }

    /// The URL of one tile. `{s}` rotates over the subdomains by tile position, so that the same
    /// tile always has the same URL (and the browser's cache works).
    pub fn tile_url(&self, t: Tile) -> String {
        let sub = self.subdomains.chars().nth(((t.x + t.y) as usize) % self.subdomains.chars().count().max(1));
        self.url
            .replace("{z}", &t.z.to_string())
            .replace("{x}", &t.x.to_string())
            .replace("{y}", &t.y.to_string())
            .replace("{s}", &sub.map(String::from).unwrap_or_default())
    }

    /// The origin to allow in the Content-Security-Policy's `img-src` (`{s}` becomes a wildcard
    /// host label).
    pub fn csp_origin(&self) -> Option<String> {
        let (scheme, rest) = self.url.split_once("://")?;
        let host = rest.split('/').next()?;
        let host = if host.contains("{s}") {
            // t{s}.tianditu.gov.cn → *.tianditu.gov.cn
            let (_, tail) = host.split_once('.')?;
            format!("*.{tail}")
        } else {
            host.to_string()
        };
        (!host.is_empty() && !host.contains(['{', '}', ' ', ';', '\''])).then(|| format!("{scheme}://{host}"))
    }
}

/// One tile of the standard XYZ (Google/OSM) scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tile {
    pub z: u8,
    pub x: u32,
    pub y: u32,
}

impl Tile {
    /// The tile's extent in its own datum, as lon/lat.
    pub fn bounds(self) -> BBox {
        let n = f64::from(1u32 << self.z);
        let nw = inverse_mercator([self.x as f64 / n, self.y as f64 / n]);
        let se = inverse_mercator([(self.x + 1) as f64 / n, (self.y + 1) as f64 / n]);
        BBox { min_lon: nw[0], min_lat: se[1], max_lon: se[0], max_lat: nw[1] }
    }
}

/// The largest number of tiles drawn at once; a view that would need more uses a lower zoom.
pub const MAX_TILES: usize = 64;

/// The tiles that cover `view` (WGS84) when it is `screen_px` wide, at the zoom where a tile is
/// about 256 screen pixels, no deeper than `max_zoom`. For a GCJ-02 source the covered area is
/// the view's GCJ-02 image. With the tiles: how far to move them (degrees, added to their
/// bounds) to put them under WGS84 features.
pub fn tiles_for(view: &BBox, screen_px: f64, source: &TileSource) -> (Vec<Tile>, [f64; 2]) {
    let shift = match source.datum {
        TileDatum::Wgs84 => [0.0, 0.0],
        TileDatum::Gcj02 => {
            // The offset changes by centimetres across a city view: one shift for all tiles.
            let c = view.center();
            let g = wgs84_to_gcj02(c);
            [c[0] - g[0], c[1] - g[1]]
        }
    };
    let area = BBox {
        min_lon: view.min_lon - shift[0],
        max_lon: view.max_lon - shift[0],
        min_lat: (view.min_lat - shift[1]).max(-MAX_MERCATOR_LAT),
        max_lat: (view.max_lat - shift[1]).min(MAX_MERCATOR_LAT),
    };
    let nw = mercator([area.min_lon, area.max_lat]);
    let se = mercator([area.max_lon, area.min_lat]);
    let width = (se[0] - nw[0]).max(1e-12);
    if !(screen_px.is_finite() && screen_px > 0.0) {
        return (Vec::new(), shift);
    }
    let mut z = ((screen_px / 256.0 / width).log2().round()).clamp(0.0, f64::from(source.max_zoom.min(22))) as u8;
    loop {
        let n = f64::from(1u32 << z);
        let max = (1u32 << z) - 1;
        let tx = |v: f64| ((v * n).floor().max(0.0) as u32).min(max);
        let (x0, x1, y0, y1) = (tx(nw[0]), tx(se[0]), tx(nw[1]), tx(se[1]));
        let count = (x1 - x0 + 1) as usize * (y1 - y0 + 1) as usize;
        if count <= MAX_TILES || z == 0 {
            let tiles = (y0..=y1).flat_map(|y| (x0..=x1).map(move |x| Tile { z, x, y })).collect();
            return (tiles, shift);
        }
        z -= 1;
    }
}

#[cfg(test)]
mod tests;
