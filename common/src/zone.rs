//! Vending zones (摊规点) and their stalls: kinds, states and opening hours.

use serde::{Deserialize, Serialize};

use crate::validate::Errors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ZoneKind {
    Permanent,
    /// 在建工地工人用餐临时摊规点: tied to a construction site, with an end date and meal sessions.
    Temporary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ZoneStatus {
    Active,
    Suspended,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StallState {
    Free,
    Occupied,
    /// Held for an offer or a priority group.
    Reserved,
    OutOfUse,
}

macro_rules! str_enum {
    ($t:ty { $($v:ident => $s:literal, $zh:literal, $en:literal;)* }) => {
        impl $t {
            pub fn as_str(self) -> &'static str { match self { $(Self::$v => $s,)* } }
            pub fn parse(s: &str) -> Option<Self> { match s { $($s => Some(Self::$v),)* _ => None } }
            pub fn name_zh(self) -> &'static str { match self { $(Self::$v => $zh,)* } }
            pub fn name_en(self) -> &'static str { match self { $(Self::$v => $en,)* } }
        }
    };
}

str_enum!(ZoneKind {
    Permanent => "permanent", "常设摊规点", "Permanent zone";
    Temporary => "temporary", "工地用餐临时点", "Temporary meal point";
});
str_enum!(ZoneStatus {
    Active => "active", "运营中", "Active";
    Suspended => "suspended", "暂停", "Suspended";
    Closed => "closed", "已关闭", "Closed";
});
str_enum!(StallState {
    Free => "free", "空闲", "Free";
    Occupied => "occupied", "已占用", "Occupied";
    Reserved => "reserved", "已预留", "Reserved";
    OutOfUse => "out_of_use", "停用", "Out of use";
});

/// One opening window: on these weekdays (1 = Monday … 7 = Sunday), from `start` to `end`
/// ("HH:MM"; an `end` at or before `start` runs past midnight, "24:00" is midnight).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoursWindow {
    pub days: Vec<u8>,
    pub start: String,
    pub end: String,
    /// e.g. 早场 / 午场 / 晚场 for meal sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

pub const EVERY_DAY: [u8; 7] = [1, 2, 3, 4, 5, 6, 7];

/// Minutes after midnight of "HH:MM" (accepts "24:00").
pub fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    ((h < 24 && m < 60) || (h == 24 && m == 0)).then_some(h * 60 + m)
}

impl HoursWindow {
    pub fn new(days: &[u8], start: &str, end: &str, label: Option<&str>) -> HoursWindow {
        HoursWindow { days: days.to_vec(), start: start.into(), end: end.into(), label: label.map(Into::into) }
    }

    /// Is the window open at `weekday` (1–7) and `minute` of the day? A window that runs past
    /// midnight counts for the early hours of the following day.
    pub fn is_open(&self, weekday: u8, minute: u32) -> bool {
        let (Some(s), Some(e)) = (parse_hhmm(&self.start), parse_hhmm(&self.end)) else { return false };
        if s < e {
            self.days.contains(&weekday) && (s..e).contains(&minute)
        } else {
            let yesterday = if weekday == 1 { 7 } else { weekday - 1 };
            (self.days.contains(&weekday) && minute >= s) || (self.days.contains(&yesterday) && minute < e)
        }
    }

    pub fn validate(&self, field: &str, errors: &mut Errors) {
        if self.days.is_empty() || self.days.iter().any(|d| !(1..=7).contains(d)) {
            errors.add(
                &format!("{field}.days"),
                "weekday",
                "请选择星期一至星期日中的日子",
                "Days must be 1 (Mon) to 7 (Sun)",
            );
        }
        for (name, v) in [("start", &self.start), ("end", &self.end)] {
            if parse_hhmm(v).is_none() {
                errors.add(&format!("{field}.{name}"), "time", "时间格式应为 HH:MM", "Time must be HH:MM");
            }
        }
        if self.start == self.end {
            errors.add(
                &format!("{field}.end"),
                "empty_window",
                "结束时间不能与开始时间相同",
                "End must differ from start",
            );
        }
    }

    /// "周一至周五 17:00–22:00" style text.
    pub fn describe_zh(&self) -> String {
        format!("{} {}–{}", days_zh(&self.days), self.start, self.end)
    }
}

fn days_zh(days: &[u8]) -> String {
    const N: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    let mut d: Vec<u8> = days.to_vec();
    d.sort_unstable();
    d.dedup();
    if d.len() == 7 {
        return "每天".into();
    }
    let contiguous = d.windows(2).all(|w| w[1] == w[0] + 1);
    if contiguous && d.len() > 2 {
        return format!("周{}至周{}", N[d[0] as usize - 1], N[*d.last().unwrap_or(&1) as usize - 1]);
    }
    d.iter().map(|x| format!("周{}", N[(*x as usize).clamp(1, 7) - 1])).collect::<Vec<_>>().join("、")
}

/// Whether any window is open at that moment.
pub fn is_open(hours: &[HoursWindow], weekday: u8, minute: u32) -> bool {
    hours.iter().any(|w| w.is_open(weekday, minute))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn windows_including_overnight() {
        let lunch = HoursWindow::new(&[1, 2, 3, 4, 5], "10:30", "14:00", Some("午场"));
        assert!(lunch.is_open(1, 10 * 60 + 30));
        assert!(!lunch.is_open(1, 14 * 60));
        assert!(!lunch.is_open(6, 12 * 60));
        let night = HoursWindow::new(&[6], "18:00", "02:00", None);
        assert!(night.is_open(6, 23 * 60));
        assert!(night.is_open(7, 60), "Saturday night runs into Sunday");
        assert!(!night.is_open(7, 3 * 60));
        let to_midnight = HoursWindow::new(&EVERY_DAY, "17:00", "24:00", None);
        assert!(to_midnight.is_open(3, 23 * 60 + 59));
        assert!(!to_midnight.is_open(3, 16 * 60));
    }

    #[test]
    fn validation_and_text() {
        let mut e = Errors::new();
        HoursWindow::new(&[0, 8], "25:00", "25:00", None).validate("hours[0]", &mut e);
        let fields: Vec<_> = e.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["hours[0].days", "hours[0].start", "hours[0].end", "hours[0].end"]);
        assert_eq!(HoursWindow::new(&EVERY_DAY, "06:00", "09:00", None).describe_zh(), "每天 06:00–09:00");
        assert_eq!(HoursWindow::new(&[1, 2, 3, 4, 5], "06:00", "09:00", None).describe_zh(), "周一至周五 06:00–09:00");
        assert_eq!(HoursWindow::new(&[6, 7], "16:00", "21:30", None).describe_zh(), "周六、周日 16:00–21:30");
    }
}
