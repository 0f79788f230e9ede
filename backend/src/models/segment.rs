//! Street segments classed for cross-storefront trading (禁设区 / 限设区 / 宜设区).

use chrono::NaiveDateTime;
use common::District;
use common::policy::{SegmentFacts, StreetClass};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::street_segments as seg;

#[derive(Debug, Clone, Queryable)]
pub struct Segment {
    pub id: i64,
    pub name: String,
    pub district_code: String,
    pub road_class: String,
    pub zone_class: String,
    pub sidewalk_m: f64,
    pub near_homes: bool,
    pub geometry: String,
    pub note: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub use common::dto::filings::SegmentView;

impl Segment {
    pub fn class(&self) -> StreetClass {
        StreetClass::parse(&self.zone_class).unwrap_or(StreetClass::Prohibited)
    }

    pub fn district(&self) -> District {
        District::from_code(&self.district_code).unwrap_or(District::Siming)
    }

    pub fn line(&self) -> Vec<[f64; 2]> {
        serde_json::from_str(&self.geometry).unwrap_or_default()
    }

    pub fn facts(&self) -> SegmentFacts {
        SegmentFacts {
            id: self.id,
            name: self.name.clone(),
            class: self.class(),
            sidewalk_m: self.sidewalk_m,
            district: self.district(),
            near_homes: self.near_homes,
        }
    }

    pub fn to_view(&self) -> SegmentView {
        SegmentView {
            id: self.id,
            name: self.name.clone(),
            district: self.district(),
            road_class: self.road_class.clone(),
            class: self.class(),
            sidewalk_m: self.sidewalk_m,
            near_homes: self.near_homes,
            line: self.line(),
            note: self.note.clone(),
        }
    }

    pub fn to_input(&self) -> common::policy::segments::SegmentInput {
        common::policy::segments::SegmentInput {
            id: Some(self.id),
            name: self.name.clone(),
            district: self.district(),
            road_class: self.road_class.clone(),
            class: self.class(),
            sidewalk_m: self.sidewalk_m,
            near_homes: self.near_homes,
            line: self.line(),
            note: self.note.clone(),
        }
    }

    pub fn find(c: &mut DbConn, id: i64) -> QueryResult<Segment> {
        seg::table.find(id).get_result(c)
    }

    pub fn list(c: &mut DbConn, district: Option<District>) -> QueryResult<Vec<Segment>> {
        let mut q = seg::table.order((seg::district_code.asc(), seg::name.asc(), seg::id.asc())).into_boxed();
        if let Some(d) = district {
            q = q.filter(seg::district_code.eq(d.code()));
        }
        q.load(c)
    }

    pub fn count(c: &mut DbConn) -> QueryResult<i64> {
        seg::table.count().get_result(c)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn insert(
        c: &mut DbConn,
        name: &str,
        district: District,
        road_class: &str,
        class: StreetClass,
        sidewalk_m: f64,
        near_homes: bool,
        line: &[[f64; 2]],
        note: &str,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(seg::table)
            .values((
                seg::name.eq(name),
                seg::district_code.eq(district.code()),
                seg::road_class.eq(road_class),
                seg::zone_class.eq(class.as_str()),
                seg::sidewalk_m.eq(sidewalk_m),
                seg::near_homes.eq(near_homes),
                seg::geometry.eq(serde_json::to_string(line).unwrap_or_default()),
                seg::note.eq(note),
                seg::created_at.eq(now),
                seg::updated_at.eq(now),
            ))
            .returning(seg::id)
            .get_result(c)
    }
}
