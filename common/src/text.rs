//! A message in both UI languages. zh-CN is the primary language; en is the switch.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text { zh: zh.into(), en: en.into() }
    }

    /// Picks the string for a language tag (`"en"` or anything else → Chinese).
    pub fn get(&self, lang: &str) -> &str {
        if lang.starts_with("en") { &self.en } else { &self.zh }
    }
}

/// Orders names as people read them: runs of digits compare by value, so "第2段" comes before
/// "第10段" and "A-9" before "A-10"; the rest compares as text.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let mut n = String::new();
                while let Some(c) = x.next_if(|c| c.is_ascii_digit()) {
                    n.push(c);
                }
                let mut m = String::new();
                while let Some(c) = y.next_if(|c| c.is_ascii_digit()) {
                    m.push(c);
                }
                let (n, m) = (n.trim_start_matches('0'), m.trim_start_matches('0'));
                let by_value = n.len().cmp(&m.len()).then_with(|| n.cmp(m));
                if by_value != Ordering::Equal {
                    return by_value;
                }
            }
            (Some(p), Some(q)) => {
                if p != q {
                    return p.cmp(&q);
                }
                x.next();
                y.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::natural_cmp;

    #[test]
    fn natural_order_reads_numbers_as_numbers() {
        let mut names = vec!["中山路 第10段", "中山路 第2段", "中山路 第1段", "思明南路 第1段", "A-010", "A-9"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(names, ["A-9", "A-010", "中山路 第1段", "中山路 第2段", "中山路 第10段", "思明南路 第1段"]);
        assert_eq!(natural_cmp("x", "x"), std::cmp::Ordering::Equal);
        assert_eq!(natural_cmp("x1", "x01"), "x1".cmp("x01"));
        // Digit runs longer than any integer type still compare.
        assert!(natural_cmp("9".repeat(40).as_str(), &format!("1{}", "0".repeat(40))).is_lt());
    }
}
