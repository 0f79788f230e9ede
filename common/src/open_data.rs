//! The open-data catalogue: what the portal publishes for anyone to download, under which
//! licence, with a dictionary of every field. Shared by the server (which writes the files and
//! serves the catalogue) and the data page (which shows it). Nothing here is personal data.

use serde::{Deserialize, Serialize};

use crate::District;

/// The licence every dataset is published under.
pub const LICENCE_ZH: &str =
    "知识共享 署名 4.0 国际许可协议（CC BY 4.0）：可自由使用、转载和加工，请注明“厦门市摊规点服务平台”。";
pub const LICENCE_EN: &str = "Creative Commons Attribution 4.0 International (CC BY 4.0): free to use, share and adapt; credit “Xiamen vending-zone portal”.";
pub const LICENCE_URL: &str = "https://creativecommons.org/licenses/by/4.0/deed.zh-hans";

/// One field of a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Field {
    pub name: &'static str,
    /// `text`, `integer`, `number`, `date`, `datetime`, `month`, `list`.
    pub kind: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

/// One downloadable dataset.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Dataset {
    pub id: &'static str,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    pub about_zh: &'static str,
    pub about_en: &'static str,
    /// Download paths, one per format.
    pub files: &'static [(&'static str, &'static str)],
    pub fields: &'static [Field],
}

const fn f(name: &'static str, kind: &'static str, zh: &'static str, en: &'static str) -> Field {
    Field { name, kind, zh, en }
}

const ZONE_FIELDS: &[Field] = &[
    f(
        "code",
        "text",
        "摊规点编号，如 SM-001（临时点 SM-L01）",
        "Zone code, e.g. SM-001 (SM-L01 for a temporary point)",
    ),
    f("name", "text", "名称", "Name"),
    f("district_code", "text", "所属区的行政区划代码", "District's administrative code"),
    f("district_name", "text", "所属区", "District"),
    f(
        "kind",
        "text",
        "permanent 常设 / temporary 临时（工地配餐点等）",
        "permanent / temporary (e.g. a meal point by a construction site)",
    ),
    f("address", "text", "地址", "Address"),
    f("lon", "number", "锚点经度（WGS84）", "Anchor longitude (WGS84)"),
    f("lat", "number", "锚点纬度（WGS84）", "Anchor latitude (WGS84)"),
    f("categories", "list", "允许的经营类别，以 | 分隔", "Trades allowed, separated by |"),
    f("hours", "text", "营业时间", "Opening hours"),
    f("stalls_total", "integer", "摊位数", "Stalls"),
    f("stalls_free", "integer", "空闲摊位数", "Free stalls"),
    f(
        "free_<trade>",
        "integer",
        "该经营类别的空闲摊位数（每类一列）",
        "Free stalls of that trade (one column per trade)",
    ),
    f("fee_yuan_month", "integer", "每月费用（元），0 为免费", "Monthly fee in yuan; 0 is free"),
    f("valid_until", "date", "临时点的截止日期", "Last day of a temporary zone"),
];

const STALL_FIELDS: &[Field] = &[
    f("zone_code", "text", "所属摊规点编号", "Zone code"),
    f("number", "text", "摊位号", "Stall number"),
    f("category", "text", "经营类别", "Trade"),
    f("width_m", "number", "宽（米）", "Width (m)"),
    f("depth_m", "number", "进深（米）", "Depth (m)"),
    f(
        "state",
        "text",
        "free 空闲 / occupied 使用中 / reserved 已预留 / out_of_use 停用",
        "free / occupied / reserved / out_of_use",
    ),
];

const MONTHLY_FIELDS: &[Field] = &[
    f("month", "month", "月份（厦门时间），如 2026-11", "Month (Xiamen time), e.g. 2026-11"),
    f("district_code", "text", "行政区划代码", "District code"),
    f("district_name", "text", "区", "District"),
    f("applications", "integer", "当月提交的摊位申请数", "Stall applications submitted that month"),
    f(
        "permits_valid",
        "integer",
        "当月末在有效期内、且目前未被撤销或交回的许可数",
        "Permits within their validity at the month's end and not since revoked or surrendered",
    ),
    f("stalls", "integer", "该区现有摊位数（当前值）", "Stalls in the district now"),
    f("occupancy_percent", "number", "permits_valid ÷ stalls × 100", "permits_valid ÷ stalls × 100"),
];

const ROUND_FIELDS: &[Field] = &[
    f("round_id", "integer", "分配轮次编号", "Round number"),
    f("name", "text", "轮次名称", "Round name"),
    f("zones", "list", "参加分配的摊规点编号，以 | 分隔", "Zones allocated, separated by |"),
    f("closed_at", "datetime", "申请截止时间", "Applications closed"),
    f("confirmed_at", "datetime", "结果确认时间", "Result confirmed"),
    f("applicants", "integer", "参加抽签的申请数", "Applications in the draw"),
    f("placed", "integer", "分到摊位的申请数（含已接受、待确认）", "Applications given a stall (accepted or offered)"),
    f("waitlisted", "integer", "候补数", "Waitlisted"),
    f("declined_or_expired", "integer", "放弃或逾期未确认", "Declined or let lapse"),
];

pub const DATASETS: &[Dataset] = &[
    Dataset {
        id: "zones",
        title_zh: "摊规点",
        title_en: "Vending zones",
        about_zh: "全市启用中的摊规点：位置、边界（GeoJSON）、营业时间、允许的经营类别和各类空闲摊位。",
        about_en: "Every active vending zone: place, outline (GeoJSON), hours, trades allowed and free stalls by trade.",
        files: &[("GeoJSON", "/api/v1/public/zones.geojson"), ("CSV", "/api/v1/open-data/zones.csv")],
        fields: ZONE_FIELDS,
    },
    Dataset {
        id: "stalls",
        title_zh: "摊位",
        title_en: "Stalls",
        about_zh: "每个摊位的编号、经营类别、尺寸和状态（不含经营者信息）。",
        about_en: "Each stall's number, trade, size and state (nothing about who trades there).",
        files: &[("CSV", "/api/v1/open-data/stalls.csv")],
        fields: STALL_FIELDS,
    },
    Dataset {
        id: "monthly",
        title_zh: "按月统计",
        title_en: "Monthly figures",
        about_zh: "近 12 个月各区的摊位申请数、有效许可数和摊位使用率。",
        about_en: "Applications, valid permits and stall occupancy by district for the last 12 months.",
        files: &[("CSV", "/api/v1/open-data/monthly.csv"), ("JSON", "/api/v1/open-data/monthly.json")],
        fields: MONTHLY_FIELDS,
    },
    Dataset {
        id: "rounds",
        title_zh: "分配轮次",
        title_en: "Allocation rounds",
        about_zh: "已确认的摊位分配轮次：参加人数、分到摊位、候补和放弃的数量（不含任何申请人信息）。",
        about_en: "Confirmed allocation rounds: how many applied, were placed, waitlisted or declined (nothing about any applicant).",
        files: &[("CSV", "/api/v1/open-data/rounds.csv")],
        fields: ROUND_FIELDS,
    },
];

/// One row of the monthly figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthlyRow {
    /// `YYYY-MM`.
    pub month: String,
    pub district: District,
    pub applications: i64,
    pub permits_valid: i64,
    pub stalls: i64,
}

impl MonthlyRow {
    pub fn occupancy_percent(&self) -> f64 {
        if self.stalls == 0 { 0.0 } else { (self.permits_valid as f64 / self.stalls as f64 * 1000.0).round() / 10.0 }
    }
}

/// A CSV cell: quoted when it holds a comma, quote or line break (RFC 4180).
pub fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

/// A CSV document with a UTF-8 BOM (so that spreadsheet programs read the Chinese right).
pub fn csv(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_what_needs_it() {
        let doc = csv(&["a", "b"], [vec!["x,y".to_string(), "say \"hi\"".to_string()], vec!["1".into(), "2".into()]]);
        assert_eq!(doc, "\u{feff}a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n1,2\r\n");
    }

    #[test]
    fn every_dataset_has_files_and_a_dictionary() {
        for d in DATASETS {
            assert!(!d.files.is_empty() && !d.fields.is_empty(), "{}", d.id);
            assert!(d.fields.iter().all(|f| !f.zh.is_empty() && !f.en.is_empty()));
        }
    }
}
