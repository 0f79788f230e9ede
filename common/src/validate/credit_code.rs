//! 18-character unified social credit code (统一社会信用代码, GB 32100-2015).

use super::Errors;

const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// 3^i mod 31 for positions 1..=17.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/// First character: the registering authority (机构编制 1, 外交 2, 司法 3, 文化 4, 民政 5,
/// 旅游 6, 宗教 7, 工会 8, 市场监管 9, 中央军委 A, 农业 N, 其他 Y).
const AUTHORITIES: &str = "123456789ANY";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditCodeError {
    Empty,
    Length,
    Charset,
    Authority,
    Region,
    Checksum,
}

impl CreditCodeError {
    pub fn code(self) -> &'static str {
        match self {
            CreditCodeError::Empty => "required",
            CreditCodeError::Length => "uscc_length",
            CreditCodeError::Charset => "uscc_charset",
            CreditCodeError::Authority => "uscc_authority",
            CreditCodeError::Region => "uscc_region",
            CreditCodeError::Checksum => "uscc_checksum",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            CreditCodeError::Empty => "请填写统一社会信用代码",
            CreditCodeError::Length => "统一社会信用代码应为 18 位",
            CreditCodeError::Charset => "统一社会信用代码只含数字和大写字母（不含 I、O、Z、S、V）",
            CreditCodeError::Authority => "统一社会信用代码第 1 位（登记管理部门）无效",
            CreditCodeError::Region => "统一社会信用代码第 3–8 位应为行政区划码",
            CreditCodeError::Checksum => "统一社会信用代码校验位不正确，请核对是否输错",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            CreditCodeError::Empty => "Unified social credit code is required",
            CreditCodeError::Length => "Credit code must have 18 characters",
            CreditCodeError::Charset => "Credit code uses digits and capitals except I, O, Z, S, V",
            CreditCodeError::Authority => "Credit code: the first character (registering authority) is invalid",
            CreditCodeError::Region => "Credit code: characters 3–8 must be a region code",
            CreditCodeError::Checksum => "Credit code check character is wrong; please check for a typo",
        }
    }
}

fn value(c: char) -> Option<u32> {
    CHARSET.find(c).map(|i| i as u32)
}

/// The check character for the first 17 characters (which must be in the charset).
pub fn credit_check_char(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    CHARSET.chars().nth(v as usize)
}

pub fn check_credit_code(raw: &str) -> Result<String, CreditCodeError> {
    let s = raw.trim().to_ascii_uppercase();
    if s.is_empty() {
        return Err(CreditCodeError::Empty);
    }
    if s.chars().count() != 18 {
        return Err(CreditCodeError::Length);
    }
    if !s.chars().all(|c| CHARSET.contains(c)) {
        return Err(CreditCodeError::Charset);
    }
    if !AUTHORITIES.contains(&s[0..1]) {
        return Err(CreditCodeError::Authority);
    }
    if !s[2..8].bytes().all(|b| b.is_ascii_digit()) {
        return Err(CreditCodeError::Region);
    }
    if credit_check_char(&s[..17]) != s.chars().nth(17) {
        return Err(CreditCodeError::Checksum);
    }
    Ok(s)
}

impl Errors {
    pub fn credit_code(&mut self, field: &str, raw: &str) -> Option<String> {
        match check_credit_code(raw) {
            Ok(s) => Some(s),
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

    #[test]
    fn published_codes_are_valid() {
        // Codes printed on public business licences.
        for code in ["9144030071526726XG", "914403001922038216", "91110108551385082Q", "91330100716105852F"] {
            assert_eq!(check_credit_code(code).as_deref(), Ok(code), "{code}");
        }
        assert_eq!(check_credit_code(" 9144030071526726xg ").as_deref(), Ok("9144030071526726XG"));
    }

    #[test]
    fn each_error_is_named() {
        assert_eq!(check_credit_code(""), Err(CreditCodeError::Empty));
        assert_eq!(check_credit_code("9144030071526726X"), Err(CreditCodeError::Length));
        assert_eq!(check_credit_code("9144030071526726XI"), Err(CreditCodeError::Charset));
        assert_eq!(check_credit_code("C144030071526726XG"), Err(CreditCodeError::Authority));
        assert_eq!(check_credit_code("91A4030071526726XG"), Err(CreditCodeError::Region));
        assert_eq!(check_credit_code("9144030071526726XH"), Err(CreditCodeError::Checksum));
    }

    #[test]
    fn a_single_substitution_is_caught() {
        let code = "9144030071526726XG";
        for pos in 8..17 {
            for c in CHARSET.chars() {
                let mut chars: Vec<char> = code.chars().collect();
                if chars[pos] == c {
                    continue;
                }
                chars[pos] = c;
                let s: String = chars.into_iter().collect();
                assert!(check_credit_code(&s).is_err(), "{s}");
            }
        }
    }
}
