//! Demo street segments: the real Xiamen streets in `assets/demo/streets.json`, cut at every
//! vertex and at most every 400 m, so a shop picks the stretch in front of its door.

use common::District;
use common::geo::haversine_m;
use common::policy::StreetClass;
use serde::Deserialize;

const STREETS: &str = include_str!("../../../assets/demo/streets.json");

#[derive(Deserialize)]
struct Street {
    name: String,
    district: String,
    coords: Vec<[f64; 2]>,
    road_class: String,
    sidewalk_m: f64,
    zone_class: String,
    #[serde(default)]
    note: Option<String>,
}

pub struct DemoSegment {
    pub name: String,
    pub district: District,
    pub road_class: String,
    pub class: StreetClass,
    pub sidewalk_m: f64,
    pub near_homes: bool,
    pub line: Vec<[f64; 2]>,
    pub note: String,
}

pub fn generate() -> Vec<DemoSegment> {
    let streets: Vec<Street> = serde_json::from_str(STREETS).expect("assets/demo/streets.json is valid");
    let mut out = Vec::new();
    for s in streets {
        let Some(district) = District::from_code(&s.district) else { continue };
        let class = StreetClass::parse(&s.zone_class).unwrap_or(StreetClass::Prohibited);
        let mut pieces: Vec<Vec<[f64; 2]>> = Vec::new();
        for pair in s.coords.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let parts = (haversine_m(a, b) / 400.0).ceil().max(1.0) as usize;
            for k in 0..parts {
                let t0 = k as f64 / parts as f64;
                let t1 = (k + 1) as f64 / parts as f64;
                let p = |t: f64| [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
                pieces.push(vec![p(t0), p(t1)]);
            }
        }
        let n = pieces.len();
        // Lanes and branch streets are lined with homes; evening limits apply there.
        let near_homes = matches!(s.road_class.as_str(), "lane" | "branch");
        for (i, line) in pieces.into_iter().enumerate() {
            out.push(DemoSegment {
                name: if n > 1 { format!("{}（第{}段）", s.name, i + 1) } else { s.name.clone() },
                district,
                road_class: s.road_class.clone(),
                class,
                sidewalk_m: s.sidewalk_m,
                near_homes,
                line,
                note: s.note.clone().unwrap_or_default(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_few_hundred_segments_on_every_class() {
        let segs = super::generate();
        assert!((200..=800).contains(&segs.len()), "{}", segs.len());
        for class in [super::StreetClass::Prohibited, super::StreetClass::Restricted, super::StreetClass::Suitable] {
            assert!(segs.iter().filter(|s| s.class == class).count() > 20);
        }
    }
}
