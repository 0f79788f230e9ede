//! Official working days (工作日), for the deadlines the city commits to (承诺时限: "答复 within
//! 5 working days").
//!
//! Monday to Friday are working days and Saturday and Sunday are not, except where the calendar
//! says otherwise: a public holiday is off even on a weekday, and a swapped workday (调休上班) is
//! worked even on a weekend. The State Council publishes each year's holidays and swaps in
//! November of the year before, so the calendar is data, not a rule: [`official_days`] holds the
//! known notices and admins add later years (or local changes) the same way.

use std::collections::HashMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DayKind {
    /// 放假: not a working day, even if it is a weekday.
    Holiday,
    /// 调休上班: a working day, even if it is a weekend.
    Workday,
}

/// One exception to the Monday–Friday rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The festival it belongs to, e.g. 春节; a swapped workday carries the festival it pays for.
    pub name: String,
}

/// Working-day arithmetic over a set of exceptions. `Calendar::default()` knows no holidays.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    overrides: HashMap<NaiveDate, DayKind>,
}

impl Calendar {
    /// If a date is listed twice the later entry wins, so an admin's correction can simply be
    /// appended to the official list.
    pub fn new(days: &[CalendarDay]) -> Calendar {
        Calendar { overrides: days.iter().map(|d| (d.date, d.kind)).collect() }
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.overrides.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The deadline: the `n`-th working day after `start` (start itself not counted). n = 0 → start.
    ///
    /// Counting starts the day after, as in "自受理之日起 5 个工作日内": an application filed on
    /// a Friday with n = 1 is due the next working Monday. Saturates at the last date chrono
    /// can represent rather than panicking.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        let mut left = n;
        while left > 0 {
            let Some(next) = d.checked_add_days(Days::new(1)) else { return d };
            d = next;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days from `from` (exclusive) to `to` (inclusive); negative if `to` is before `from`.
    ///
    /// The inverse of [`Calendar::add_working_days`]: `working_days_between(s, add_working_days(s, n)) == n`,
    /// and swapping the arguments flips the sign. Used to show "剩余 3 个工作日" or "超期 2 个工作日".
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        from.iter_days().skip(1).take_while(|d| *d <= to).filter(|d| self.is_working_day(*d)).count() as i64
    }
}

/// Days `first..=last` of one festival, all off.
fn holiday(out: &mut Vec<CalendarDay>, name: &str, first: (i32, u32, u32), last: (i32, u32, u32)) {
    let (Some(first), Some(last)) = (ymd(first), ymd(last)) else { return };
    out.extend(first.iter_days().take_while(|d| *d <= last).map(|date| CalendarDay {
        date,
        kind: DayKind::Holiday,
        name: name.into(),
    }));
}

/// The weekend days worked in exchange for a festival's bridge days.
fn workdays(out: &mut Vec<CalendarDay>, name: &str, dates: &[(i32, u32, u32)]) {
    out.extend(dates.iter().filter_map(|d| ymd(*d)).map(|date| CalendarDay {
        date,
        kind: DayKind::Workday,
        name: name.into(),
    }));
}

fn ymd((y, m, d): (i32, u32, u32)) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// The State Council's published holiday schedule (节假日安排) that is known: holidays and swapped workdays.
///
/// Covers 2025 and 2026, transcribed from the 国务院办公厅 notices (sources cited above each
/// year). Holidays list every day of the break, weekend days included, so a calendar view can
/// shade the whole break. Later years must be added when the notice is published (each
/// November); until then those years fall back to plain Monday–Friday.
pub fn official_days() -> Vec<CalendarDay> {
    let mut v = Vec::new();

    // 2025 — 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024-11-12）,
    // as published by Xinhua: https://m.gmw.cn/2024-11/12/content_1303894933.htm
    holiday(&mut v, "元旦", (2025, 1, 1), (2025, 1, 1));
    holiday(&mut v, "春节", (2025, 1, 28), (2025, 2, 4));
    workdays(&mut v, "春节", &[(2025, 1, 26), (2025, 2, 8)]);
    holiday(&mut v, "清明节", (2025, 4, 4), (2025, 4, 6));
    holiday(&mut v, "劳动节", (2025, 5, 1), (2025, 5, 5));
    workdays(&mut v, "劳动节", &[(2025, 4, 27)]);
    holiday(&mut v, "端午节", (2025, 5, 31), (2025, 6, 2));
    holiday(&mut v, "国庆节、中秋节", (2025, 10, 1), (2025, 10, 8));
    workdays(&mut v, "国庆节、中秋节", &[(2025, 9, 28), (2025, 10, 11)]);

    // 2026 — 国务院办公厅关于2026年部分节假日安排的通知（2025-11-04）, as published by Xinhua:
    // https://politics.gmw.cn/2025-11/04/content_38391083.htm
    holiday(&mut v, "元旦", (2026, 1, 1), (2026, 1, 3));
    workdays(&mut v, "元旦", &[(2026, 1, 4)]);
    holiday(&mut v, "春节", (2026, 2, 15), (2026, 2, 23));
    workdays(&mut v, "春节", &[(2026, 2, 14), (2026, 2, 28)]);
    holiday(&mut v, "清明节", (2026, 4, 4), (2026, 4, 6));
    holiday(&mut v, "劳动节", (2026, 5, 1), (2026, 5, 5));
    workdays(&mut v, "劳动节", &[(2026, 5, 9)]);
    holiday(&mut v, "端午节", (2026, 6, 19), (2026, 6, 21));
    holiday(&mut v, "中秋节", (2026, 9, 25), (2026, 9, 27));
    holiday(&mut v, "国庆节", (2026, 10, 1), (2026, 10, 7));
    workdays(&mut v, "国庆节", &[(2026, 9, 20), (2026, 10, 10)]);

    v
}

/// The year whose official holidays should be entered now but are not: from November, when
/// the State Council has usually published the next year's schedule, a calendar with no holiday
/// in the coming year would count the Spring Festival as working days.
pub fn missing_year(days: &[CalendarDay], today: NaiveDate) -> Option<i32> {
    let next = today.year() + 1;
    let has = |y: i32| days.iter().any(|d| d.kind == DayKind::Holiday && d.date.year() == y);
    if !has(today.year()) {
        return Some(today.year());
    }
    (today.month() >= 11 && !has(next)).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn official() -> Calendar {
        Calendar::new(&official_days())
    }

    #[test]
    fn plain_week() {
        let c = Calendar::default();
        // 2025-03-10 is a Monday.
        assert!(c.is_working_day(d(2025, 3, 10)));
        assert!(c.is_working_day(d(2025, 3, 14)));
        assert!(!c.is_working_day(d(2025, 3, 15)));
        assert!(!c.is_working_day(d(2025, 3, 16)));
        assert_eq!(c.add_working_days(d(2025, 3, 10), 1), d(2025, 3, 11));
        assert_eq!(c.add_working_days(d(2025, 3, 10), 4), d(2025, 3, 14));
    }

    #[test]
    fn deadline_spans_a_weekend() {
        let c = Calendar::default();
        // Thursday + 3 working days: Fri, (Sat, Sun skipped), Mon, Tue.
        assert_eq!(c.add_working_days(d(2025, 3, 13), 3), d(2025, 3, 18));
        // Filed on a Saturday: the first working day after it is Monday.
        assert_eq!(c.add_working_days(d(2025, 3, 15), 1), d(2025, 3, 17));
        assert_eq!(c.add_working_days(d(2025, 3, 14), 5), d(2025, 3, 21));
    }

    #[test]
    fn zero_days_is_the_start_even_on_a_holiday() {
        let c = official();
        assert_eq!(c.add_working_days(d(2025, 3, 15), 0), d(2025, 3, 15));
        assert_eq!(c.add_working_days(d(2025, 1, 29), 0), d(2025, 1, 29));
        assert_eq!(c.working_days_between(d(2025, 1, 29), d(2025, 1, 29)), 0);
    }

    #[test]
    fn spring_festival_2025_with_swapped_sunday() {
        let c = official();
        // 2025-01-26 is a Sunday worked for 春节; 01-28 (除夕, Tuesday) to 02-04 are off;
        // Saturday 02-08 is worked.
        assert_eq!(d(2025, 1, 26).weekday(), Weekday::Sun);
        assert!(c.is_working_day(d(2025, 1, 26)));
        assert!(!c.is_working_day(d(2025, 1, 28)));
        assert!(!c.is_working_day(d(2025, 2, 4)));
        assert!(c.is_working_day(d(2025, 2, 5)));
        assert!(c.is_working_day(d(2025, 2, 8)));

        // Filed Friday 01-24: Sun 26, Mon 27 are working, then the break, then Wed 02-05 onwards.
        assert_eq!(c.add_working_days(d(2025, 1, 24), 1), d(2025, 1, 26));
        assert_eq!(c.add_working_days(d(2025, 1, 24), 2), d(2025, 1, 27));
        assert_eq!(c.add_working_days(d(2025, 1, 24), 3), d(2025, 2, 5));
        // 5 working days: 26, 27, 02-05, 06, 07.
        assert_eq!(c.add_working_days(d(2025, 1, 24), 5), d(2025, 2, 7));
        // …and the 6th is Saturday 02-08, a swapped workday.
        assert_eq!(c.add_working_days(d(2025, 1, 24), 6), d(2025, 2, 8));
        // Without the official calendar the same deadline would be a week earlier.
        assert_eq!(Calendar::default().add_working_days(d(2025, 1, 24), 5), d(2025, 1, 31));
    }

    #[test]
    fn spring_festival_2026() {
        let c = official();
        // Saturday 02-14 worked, 02-15 to 02-23 off, Saturday 02-28 worked.
        assert!(c.is_working_day(d(2026, 2, 14)));
        assert!(!c.is_working_day(d(2026, 2, 16)));
        assert!(!c.is_working_day(d(2026, 2, 23)));
        assert_eq!(c.add_working_days(d(2026, 2, 13), 1), d(2026, 2, 14));
        assert_eq!(c.add_working_days(d(2026, 2, 13), 2), d(2026, 2, 24));
        assert_eq!(c.working_days_between(d(2026, 2, 13), d(2026, 2, 28)), 6);
    }

    #[test]
    fn between_in_both_directions() {
        let c = official();
        let plain = Calendar::default();
        assert_eq!(plain.working_days_between(d(2025, 3, 10), d(2025, 3, 17)), 5);
        assert_eq!(plain.working_days_between(d(2025, 3, 17), d(2025, 3, 10)), -5);
        // From Friday to the following Saturday or Sunday: only Monday–Friday of the week between.
        assert_eq!(plain.working_days_between(d(2025, 3, 14), d(2025, 3, 16)), 0);
        assert_eq!(c.working_days_between(d(2025, 1, 24), d(2025, 2, 8)), 6);
        assert_eq!(c.working_days_between(d(2025, 2, 8), d(2025, 1, 24)), -6);
        // National Day 2025: 10-01 to 10-08 off; Sunday 09-28 and Saturday 10-11 worked.
        assert_eq!(c.working_days_between(d(2025, 9, 26), d(2025, 10, 12)), 6);
    }

    #[test]
    fn between_inverts_add() {
        let c = official();
        let start = d(2024, 12, 20);
        for n in 0..300 {
            let due = c.add_working_days(start, n);
            assert_eq!(c.working_days_between(start, due), n as i64, "n = {n}");
            assert_eq!(c.working_days_between(due, start), -(n as i64));
            assert!(n == 0 || c.is_working_day(due));
        }
    }

    #[test]
    fn later_entries_override_earlier_ones() {
        let mut days = official_days();
        days.push(CalendarDay { date: d(2025, 1, 28), kind: DayKind::Workday, name: "更正".into() });
        assert!(Calendar::new(&days).is_working_day(d(2025, 1, 28)));
    }

    #[test]
    fn official_data_is_consistent() {
        let days = official_days();
        for day in &days {
            let weekend = matches!(day.date.weekday(), Weekday::Sat | Weekday::Sun);
            // A swapped workday only makes sense on a weekend.
            if day.kind == DayKind::Workday {
                assert!(weekend, "{} is a weekday", day.date);
            }
            assert!(!day.name.is_empty());
        }
        let mut dates: Vec<NaiveDate> = days.iter().map(|d| d.date).collect();
        dates.sort();
        let n = dates.len();
        dates.dedup();
        assert_eq!(dates.len(), n, "a date is listed twice");
        // 2025: 1 + 8 + 3 + 5 + 3 + 8 = 28 days off, 5 swapped workdays.
        // 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7 = 33 days off, 6 swapped workdays.
        let count = |y: i32, k: DayKind| days.iter().filter(|d| d.date.year() == y && d.kind == k).count();
        assert_eq!((count(2025, DayKind::Holiday), count(2025, DayKind::Workday)), (28, 5));
        assert_eq!((count(2026, DayKind::Holiday), count(2026, DayKind::Workday)), (33, 6));
        // Weekdays as printed in the notices.
        assert_eq!(d(2025, 1, 28).weekday(), Weekday::Tue);
        assert_eq!(d(2025, 10, 8).weekday(), Weekday::Wed);
        assert_eq!(d(2026, 2, 15).weekday(), Weekday::Sun);
        assert_eq!(d(2026, 10, 7).weekday(), Weekday::Wed);
    }

    #[test]
    fn serde_shape() {
        let day = CalendarDay { date: d(2025, 1, 26), kind: DayKind::Workday, name: "春节".into() };
        let json = serde_json::to_string(&day).unwrap();
        assert_eq!(json, r#"{"date":"2025-01-26","kind":"workday","name":"春节"}"#);
        assert_eq!(serde_json::from_str::<CalendarDay>(&json).unwrap(), day);
    }

    #[test]
    fn a_missing_year_is_named_from_november() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let holiday = |date| CalendarDay { date, kind: DayKind::Holiday, name: "春节".into() };
        let only_2026 = [holiday(day(2026, 2, 17))];
        assert_eq!(missing_year(&only_2026, day(2026, 10, 31)), None);
        assert_eq!(missing_year(&only_2026, day(2026, 11, 1)), Some(2027));
        let both = [holiday(day(2026, 2, 17)), holiday(day(2027, 2, 6))];
        assert_eq!(missing_year(&both, day(2026, 12, 1)), None);
        // A new year with nothing entered for it is missing at once.
        assert_eq!(missing_year(&only_2026, day(2027, 1, 5)), Some(2027));
    }
}
