//! Masking of personal data in anything not meant for its owner (public notices, staff lists, logs).

/// `350203199001011234` → `3502**********1234`.
pub fn id_number(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}

/// `张三` → `张*`, `欧阳娜娜` → `欧**娜`, `Li Lei` → `L****i`.
pub fn name(n: &str) -> String {
    let chars: Vec<char> = n.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        len => format!("{}{}{}", chars[0], "*".repeat(len - 2), chars[len - 1]),
    }
}

/// `13805921234` → `138****1234`.
pub fn phone(p: &str) -> String {
    if p.len() == 11 && p.is_ascii() { format!("{}****{}", &p[..3], &p[7..]) } else { "*".repeat(p.chars().count()) }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;
    #[test]
    fn masks() {
        assert_eq!(super::id_number("350203199001011234"), "3502**********1234");
        assert_eq!(super::name("张三"), "张*");
        assert_eq!(super::name("欧阳娜娜"), "欧**娜");
        assert_eq!(super::phone("13805921234"), "138****1234");
    }
}
