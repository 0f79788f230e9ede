use serde::{Deserialize, Serialize};

use crate::District;

/// Public headline figures: zones and stalls per district.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Overview {
    pub districts: Vec<DistrictFigures>,
    pub zones: i64,
    pub stalls: i64,
    pub free_stalls: i64,
    pub temporary_zones: i64,
    /// True when the zones come from the demo seed, so the UI can say they are illustrative.
    pub demo_data: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistrictFigures {
    pub district: District,
    pub name_zh: String,
    pub name_en: String,
    pub zones: i64,
    pub stalls: i64,
    pub free_stalls: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub database: String,
    pub version: String,
}

/// One cell of a dashboard table: numbers stay numbers in the spreadsheet export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Cell {
    Number(f64),
    Text(String),
    /// A label in both languages (a status, a district, a kind of case).
    Label(crate::Text),
}

impl Cell {
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Cell::Number(n) => Some(*n),
            Cell::Text(_) | Cell::Label(_) => None,
        }
    }

    /// The cell as Chinese text.
    pub fn to_text(&self) -> String {
        self.text_in(false)
    }

    /// The cell as text in one language (labels have both; data is as it was entered).
    pub fn text_in(&self, en: bool) -> String {
        match self {
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => format!("{n:.1}"),
            Cell::Text(s) => s.clone(),
            Cell::Label(t) => {
                if en {
                    t.en.clone()
                } else {
                    t.zh.clone()
                }
            }
        }
    }
}

/// A table on the dashboard, as shown and as exported (CSV, XLSX).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DataTable {
    /// Stable id, also the export's file or sheet name.
    pub id: String,
    pub title: crate::Text,
    pub columns: Vec<crate::Text>,
    pub rows: Vec<Vec<Cell>>,
}

impl DataTable {
    /// RFC 4180 CSV with a UTF-8 byte-order mark (so spreadsheet programs read the Chinese).
    /// Text that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, tab, CR first; OWASP's
    /// CSV injection advice) gets a leading `'`, so Excel and WPS show it as the text it is;
    /// numbers stay numbers.
    pub fn to_csv(&self, en: bool) -> String {
        fn field(s: &str) -> String {
            if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
        }
        fn text(s: &str) -> String {
            if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { field(&format!("'{s}")) } else { field(s) }
        }
        let mut out = String::from("\u{feff}");
        let head: Vec<String> = self.columns.iter().map(|c| text(if en { &c.en } else { &c.zh })).collect();
        out.push_str(&head.join(","));
        out.push_str("\r\n");
        for r in &self.rows {
            let line: Vec<String> = r
                .iter()
                .map(|c| match c {
                    Cell::Number(_) => field(&c.text_in(en)),
                    Cell::Text(_) | Cell::Label(_) => text(&c.text_in(en)),
                })
                .collect();
            out.push_str(&line.join(","));
            out.push_str("\r\n");
        }
        out
    }
}

/// Officers' and admins' dashboard: every figure as a table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// `None`: the whole city.
    pub district: Option<District>,
    pub generated_at: chrono::NaiveDateTime,
    pub tables: Vec<DataTable>,
}

impl Dashboard {
    pub fn table(&self, id: &str) -> Option<&DataTable> {
        self.tables.iter().find(|t| t.id == id)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn csv_cells_a_spreadsheet_would_run_are_neutralised() {
        let t = DataTable {
            id: "t".into(),
            title: crate::Text::new("表", "Table"),
            columns: vec![crate::Text::new("地址", "Address"), crate::Text::new("差值", "Change")],
            rows: vec![
                vec![Cell::Text("=HYPERLINK(\"http://x\",\"点我\")".into()), Cell::Number(-3.0)],
                vec![Cell::Text("+86 138".into()), Cell::Number(1.0)],
                vec![Cell::Text("-1+1".into()), Cell::Number(0.0)],
                vec![Cell::Text("@SUM(A1)".into()), Cell::Number(0.0)],
                vec![Cell::Text("\tcmd".into()), Cell::Number(0.0)],
                vec![Cell::Text("中山路 12 号".into()), Cell::Number(0.0)],
            ],
        };
        let csv = t.to_csv(false);
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",-3");
        assert_eq!(lines[2], "'+86 138,1");
        assert_eq!(lines[3], "'-1+1,0");
        assert_eq!(lines[4], "'@SUM(A1),0");
        assert_eq!(lines[5], "'\tcmd,0");
        assert_eq!(lines[6], "中山路 12 号,0");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let t = DataTable {
            id: "t".into(),
            title: crate::Text::new("表", "Table"),
            columns: vec![crate::Text::new("名称", "Name"), crate::Text::new("数量", "Count")],
            rows: vec![
                vec![Cell::Text("中山路, \"老街\"".into()), Cell::Number(12.0)],
                vec![Cell::Text("a".into()), Cell::Number(0.5)],
            ],
        };
        assert_eq!(
            t.to_csv(false),
            "\u{feff}名称,数量\r\n\"中山路, \"\"老街\"\"\",12\r\n a,0.5\r\n".replace(" a", "a")
        );
        assert!(t.to_csv(true).starts_with("\u{feff}Name,Count\r\n"));
    }
}
