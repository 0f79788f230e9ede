use super::Errors;

/// Mainland mobile number: 11 digits starting 13–19. Accepts an optional +86 / 86 prefix
/// and spaces or dashes, and returns the bare 11 digits.
pub fn check_mobile(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits = digits.strip_prefix("+86").or_else(|| digits.strip_prefix("0086")).unwrap_or(&digits);
    let digits = if digits.len() == 13 { digits.strip_prefix("86").unwrap_or(digits) } else { digits };
    let b = digits.as_bytes();
    let ok = b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
    ok.then(|| digits.to_string())
}

impl Errors {
    pub fn mobile(&mut self, field: &str, raw: &str) -> Option<String> {
        if raw.trim().is_empty() {
            self.add(field, "required", "请填写手机号", "Mobile number is required");
            return None;
        }
        let r = check_mobile(raw);
        if r.is_none() {
            self.add(
                field,
                "mobile",
                "请输入 11 位大陆手机号（1 开头）",
                "Enter an 11-digit mainland mobile number starting with 1",
            );
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn mobiles() {
        assert_eq!(check_mobile("138 0592 1234").as_deref(), Some("13805921234"));
        assert_eq!(check_mobile("+86 13805921234").as_deref(), Some("13805921234"));
        assert_eq!(check_mobile("8613805921234").as_deref(), Some("13805921234"));
        assert_eq!(check_mobile("12805921234"), None);
        assert_eq!(check_mobile("0592-1234567"), None);
        assert_eq!(check_mobile("1380592123"), None);
        assert_eq!(check_mobile("１３８０５９２１２３４"), None, "full-width digits are not silently accepted");
    }
}
