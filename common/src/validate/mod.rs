//! Validators shared by the browser (instant feedback) and the server (the authority).
//!
//! Each validator returns every problem it finds, so a form shows all of them at once.

mod credit_code;
mod id_number;
mod phone;

pub use credit_code::{CreditCodeError, check_credit_code, credit_check_char};
pub use id_number::{IdNumber, IdNumberError, check_id_number, id_check_char};
pub use phone::check_mobile;

use crate::FieldError;

/// Collects field errors while checking a request.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn new() -> Self {
        Errors(Vec::new())
    }

    pub fn add(&mut self, field: &str, code: &str, zh: impl Into<String>, en: impl Into<String>) {
        self.0.push(FieldError::new(field, code, zh, en));
    }

    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    pub fn into_result(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() { Ok(()) } else { Err(self.0) }
    }

    /// Required text: trimmed, non-empty, at most `max` characters.
    pub fn text(&mut self, field: &str, label_zh: &str, label_en: &str, value: &str, max: usize) {
        let v = value.trim();
        if v.is_empty() {
            self.add(field, "required", format!("请填写{label_zh}"), format!("{label_en} is required"));
        } else if v.chars().count() > max {
            self.add(
                field,
                "too_long",
                format!("{label_zh}最多 {max} 个字"),
                format!("{label_en} must be at most {max} characters"),
            );
        } else if let Some(e) = check_untrusted_text(field, v) {
            self.push(e);
        }
    }

    /// Optional text: at most `max` characters, and nothing [`check_untrusted_text`] refuses.
    pub fn optional_text(&mut self, field: &str, label_zh: &str, label_en: &str, value: &str, max: usize) {
        if value.trim().is_empty() {
            return;
        }
        self.text(field, label_zh, label_en, value, max);
    }
}

/// Passwords are secrets, never displayed: any printable character is allowed in them.
fn is_secret(field: &str) -> bool {
    field.rsplit('.').next().is_some_and(|name| name.ends_with("password"))
}

/// Longest string any field of a request may carry; each field's own limit is usually far lower.
pub const MAX_TEXT_CHARS: usize = 5000;

/// What no text field accepts, whatever it is for: invisible control characters (line breaks and
/// tabs are fine), direction overrides that make text display as something it is not, angle
/// brackets (markup has no place in a form field, Chinese titles use 《》; passwords excepted), and more than
/// [`MAX_TEXT_CHARS`] characters. The server applies it to every string of every JSON request.
pub fn check_untrusted_text(field: &str, s: &str) -> Option<FieldError> {
    let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if s.chars().count() > MAX_TEXT_CHARS {
        Some(FieldError::new(
            field,
            "too_long",
            format!("内容过长，最多 {MAX_TEXT_CHARS} 个字"),
            format!("Too long: at most {MAX_TEXT_CHARS} characters"),
        ))
    } else if s.chars().any(|c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t')) || bidi(c)) {
        Some(FieldError::new(field, "control_chars", "含有不可见的控制字符", "Contains invisible control characters"))
    } else if s.contains(['<', '>']) && !is_secret(field) {
        Some(FieldError::new(field, "markup", "不能包含 < 或 > 符号", "May not contain < or >"))
    } else {
        None
    }
}

/// A person's real name as on the ID card: 2–30 characters, Chinese or Latin letters,
/// with the middle dot used in minority and transliterated names.
pub fn check_real_name(field: &str, name: &str, errors: &mut Errors) {
    let n = name.trim();
    let len = n.chars().count();
    if n.is_empty() {
        errors.add(field, "required", "请填写真实姓名", "Real name is required");
    } else if !(2..=30).contains(&len) {
        errors.add(field, "length", "姓名应为 2–30 个字", "Name must be 2–30 characters");
    } else if !n.chars().all(|c| is_cjk(c) || c.is_ascii_alphabetic() || c == '·' || c == '•' || c == ' ') {
        errors.add(
            field,
            "charset",
            "姓名只能包含汉字、字母和间隔号“·”",
            "Name may contain only Chinese characters, letters and '·'",
        );
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Password rule: 8–128 characters with at least a letter and a digit, not a run of one character.
pub fn check_password(field: &str, pw: &str, errors: &mut Errors) {
    let len = pw.chars().count();
    if len < 8 {
        errors.add(field, "too_short", "密码至少 8 位", "Password must be at least 8 characters");
    } else if len > 128 {
        errors.add(field, "too_long", "密码最多 128 位", "Password must be at most 128 characters");
    } else if !pw.chars().any(|c| c.is_alphabetic()) || !pw.chars().any(|c| c.is_ascii_digit()) {
        errors.add(field, "weak", "密码需同时包含字母和数字", "Password needs both letters and digits");
    }
}

/// Login names for staff accounts: 3–32 of a–z, 0–9, `_`, `-`, `.`.
pub fn check_username(field: &str, name: &str, errors: &mut Errors) {
    let ok = (3..=32).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-.".contains(c));
    if !ok {
        errors.add(
            field,
            "username",
            "用户名为 3–32 位小写字母、数字或 _ - .",
            "Username: 3–32 lowercase letters, digits, _ - or .",
        );
    } else if phone::check_mobile(name).is_some() {
        // A login that reads as a mobile number is looked up as one (vendors and shops sign in by phone).
        errors.add(field, "username_is_phone", "用户名不能是手机号", "A username cannot be a mobile number");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn names() {
        let mut e = Errors::new();
        check_real_name("n", "张三", &mut e);
        check_real_name("n", "阿依古丽·买买提", &mut e);
        assert!(e.is_empty(), "{e:?}");
        check_real_name("n", "张", &mut e);
        check_real_name("n", "张<script>", &mut e);
        check_real_name("n", "", &mut e);
        let codes: Vec<_> = e.0.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(codes, ["length", "charset", "required"]);
    }

    #[test]
    fn passwords() {
        let mut e = Errors::new();
        check_password("p", "tangui2026", &mut e);
        assert!(e.is_empty());
        check_password("p", "short1", &mut e);
        check_password("p", "onlyletters", &mut e);
        assert_eq!(e.0.len(), 2);
    }

    #[test]
    fn text_limits() {
        let mut e = Errors::new();
        e.text("f", "店名", "Shop name", "  ", 10);
        e.text("f", "店名", "Shop name", "一二三四五六七八九十十一", 10);
        e.text("f", "店名", "Shop name", "ok\u{0}", 10);
        e.text("f", "店名", "Shop name", "老王<script>", 10);
        e.text("f", "店名", "Shop name", "abc\u{202E}gpj.exe", 20);
        e.optional_text("f", "备注", "Note", "", 10);
        e.optional_text("f", "备注", "Note", "第一行\n第二行", 10);
        let codes: Vec<_> = e.0.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(codes, ["required", "too_long", "control_chars", "markup", "control_chars"]);
        assert!(check_untrusted_text("f", &"字".repeat(MAX_TEXT_CHARS)).is_none());
        assert_eq!(check_untrusted_text("f", &"字".repeat(MAX_TEXT_CHARS + 1)).unwrap().code, "too_long");
        assert!(check_untrusted_text("f", "Tom's 咖啡; 1=1 --").is_none(), "quotes are ordinary text");
        assert!(check_untrusted_text("new_password", "<a&b>").is_none(), "a password may hold any printable character");
        assert_eq!(check_untrusted_text("password", "a\u{0}b").unwrap().code, "control_chars");
    }
}
