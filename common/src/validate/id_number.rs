//! 18-digit resident identity number (GB 11643-1999): region, birth date, sequence, check digit.

use chrono::{Datelike, NaiveDate};

use super::Errors;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber {
    pub normalized: String,
    pub birth_date: NaiveDate,
    pub male: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdNumberError {
    Empty,
    Length,
    Charset,
    Region,
    BirthDate,
    Checksum,
}

impl IdNumberError {
    pub fn code(self) -> &'static str {
        match self {
            IdNumberError::Empty => "required",
            IdNumberError::Length => "id_length",
            IdNumberError::Charset => "id_charset",
            IdNumberError::Region => "id_region",
            IdNumberError::BirthDate => "id_birth_date",
            IdNumberError::Checksum => "id_checksum",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            IdNumberError::Empty => "请填写身份证号",
            IdNumberError::Length => "身份证号应为 18 位",
            IdNumberError::Charset => "身份证号前 17 位应为数字，最后一位为数字或 X",
            IdNumberError::Region => "身份证号的地区码不存在",
            IdNumberError::BirthDate => "身份证号中的出生日期无效",
            IdNumberError::Checksum => "身份证号校验位不正确，请核对是否输错",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            IdNumberError::Empty => "ID number is required",
            IdNumberError::Length => "ID number must have 18 characters",
            IdNumberError::Charset => "ID number: 17 digits then a digit or X",
            IdNumberError::Region => "ID number has an unknown region code",
            IdNumberError::BirthDate => "ID number contains an invalid birth date",
            IdNumberError::Checksum => "ID number check digit is wrong; please check for a typo",
        }
    }
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";
/// Province-level prefixes in use (GB/T 2260), including 71 台湾, 81 香港, 82 澳门.
const PROVINCES: [u32; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82,
];

/// The check character for the first 17 digits.
pub fn id_check_char(first17: &[u8]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| (d - b'0') as u32 * w).sum();
    CHECK[(sum % 11) as usize] as char
}

/// Checks an ID number against `today` (a birth date in the future is invalid).
pub fn check_id_number(raw: &str, today: NaiveDate) -> Result<IdNumber, IdNumberError> {
    let s: String = raw.trim().to_ascii_uppercase();
    if s.is_empty() {
        return Err(IdNumberError::Empty);
    }
    if s.chars().count() != 18 {
        return Err(IdNumberError::Length);
    }
    let b = s.as_bytes();
    if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
        return Err(IdNumberError::Charset);
    }
    let province = ((b[0] - b'0') * 10 + (b[1] - b'0')) as u32;
    if !PROVINCES.contains(&province) {
        return Err(IdNumberError::Region);
    }
    let birth = NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").map_err(|_| IdNumberError::BirthDate)?;
    if birth.year() < 1900 || birth > today {
        return Err(IdNumberError::BirthDate);
    }
    if id_check_char(&b[..17]) != b[17] as char {
        return Err(IdNumberError::Checksum);
    }
    Ok(IdNumber { male: (b[16] - b'0') % 2 == 1, normalized: s, birth_date: birth })
}

impl Errors {
    /// Adds the ID number's problem, if any, under `field`.
    pub fn id_number(&mut self, field: &str, raw: &str, today: NaiveDate) -> Option<IdNumber> {
        match check_id_number(raw, today) {
            Ok(id) => Some(id),
            Err(e) => {
                self.add(field, e.code(), e.zh(), e.en());
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
    }

    #[test]
    fn standard_examples_are_valid() {
        // The examples printed in GB 11643-1999.
        let a = check_id_number("11010519491231002x", today()).unwrap();
        assert_eq!(a.normalized, "11010519491231002X");
        assert_eq!(a.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert!(!a.male);
        let b = check_id_number("440524188001010014", today());
        assert_eq!(b, Err(IdNumberError::BirthDate), "born before 1900 is refused");
    }

    #[test]
    fn each_error_is_named() {
        let t = today();
        assert_eq!(check_id_number("", t), Err(IdNumberError::Empty));
        assert_eq!(check_id_number("35020319900101123", t), Err(IdNumberError::Length));
        assert_eq!(check_id_number("3502031990010112A4", t), Err(IdNumberError::Charset));
        assert_eq!(check_id_number("990203199001011234", t), Err(IdNumberError::Region));
        assert_eq!(check_id_number("350203199002301234", t), Err(IdNumberError::BirthDate));
        assert_eq!(check_id_number("350203203001011234", t), Err(IdNumberError::BirthDate));
        let mut good = b"35020319900101123".to_vec();
        let c = id_check_char(&good);
        good.push(c as u8);
        let good = String::from_utf8(good).unwrap();
        assert!(check_id_number(&good, t).is_ok());
        let mut bad = good.clone();
        bad.replace_range(17.., if c == '0' { "1" } else { "0" });
        assert_eq!(check_id_number(&bad, t), Err(IdNumberError::Checksum));
    }

    #[test]
    fn a_single_typo_is_always_caught() {
        let base = b"35020319900101123";
        let mut id = base.to_vec();
        id.push(id_check_char(base) as u8);
        for pos in 0..17 {
            for d in b'0'..=b'9' {
                if d == id[pos] {
                    continue;
                }
                let mut typo = id.clone();
                typo[pos] = d;
                let s = String::from_utf8(typo).unwrap();
                assert!(check_id_number(&s, today()).is_err(), "{s} accepted");
            }
        }
    }
}
