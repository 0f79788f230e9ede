//! How hard a password is to guess, by the zxcvbn estimator (Dropbox's model, the `zxcvbn`
//! crate): dictionaries of common passwords, names and words, keyboard patterns, sequences,
//! repeats and dates, and the person's own name, phone and ID number. One rule for every
//! account: at least [`MIN_SCORE`] on zxcvbn's 0–4 scale (about 10⁸ guesses), which its authors
//! advise as the least for passwords kept under a slow hash.
//!
//! The estimator carries its dictionaries and two regex engines (about 1 MB of WebAssembly), so
//! it is compiled only with the `strength` feature, which the server turns on; the browser asks
//! the server's `/api/v1/auth/password-strength`, which runs this same function, while the person
//! types. The cheap rules (length, letters and digits) stay in `validate` and run in both.

use serde::{Deserialize, Serialize};

use crate::Text;

/// The least zxcvbn score a new password must reach.
pub const MIN_SCORE: u8 = 3;
/// At most this many words about the person are weighed (name, phone, ID number, shop…).
pub const MAX_USER_INPUTS: usize = 6;

/// What the estimator says of a password, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PasswordStrength {
    /// 0 (guessed at once) … 4 (very hard to guess).
    pub score: u8,
    /// Whether an account may have this password.
    pub acceptable: bool,
    /// What makes it easy to guess, when something does.
    pub warning: Option<Text>,
    pub suggestions: Vec<Text>,
}

/// Ask how strong a password would be; `user_inputs` are what the form knows of the person.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StrengthRequest {
    pub password: String,
    #[serde(default)]
    pub user_inputs: Vec<String>,
}

#[cfg(feature = "strength")]
mod estimate {
    use super::*;
    use zxcvbn::feedback::{Suggestion, Warning};

    fn warning(w: Warning) -> Text {
        let (zh, en) = match w {
            Warning::StraightRowsOfKeysAreEasyToGuess => {
                ("键盘上连成一排的键很容易被猜到", "Straight rows of keys are easy to guess")
            }
            Warning::ShortKeyboardPatternsAreEasyToGuess => {
                ("短的键盘图案很容易被猜到", "Short keyboard patterns are easy to guess")
            }
            Warning::RepeatsLikeAaaAreEasyToGuess => {
                ("像 aaa 这样的重复很容易被猜到", "Repeats like \"aaa\" are easy to guess")
            }
            Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => (
                "像 abcabc 这样的重复只比 abc 难猜一点",
                "Repeats like \"abcabc\" are only slightly harder to guess than \"abc\"",
            ),
            Warning::ThisIsATop10Password => ("这是最常用的 10 个密码之一", "This is a top-10 common password"),
            Warning::ThisIsATop100Password => ("这是最常用的 100 个密码之一", "This is a top-100 common password"),
            Warning::ThisIsACommonPassword => ("这是很常见的密码", "This is a very common password"),
            Warning::ThisIsSimilarToACommonlyUsedPassword => {
                ("这和常用密码很像", "This is similar to a commonly used password")
            }
            Warning::SequencesLikeAbcAreEasyToGuess => {
                ("像 abc、6543 这样的顺序很容易被猜到", "Sequences like abc or 6543 are easy to guess")
            }
            Warning::RecentYearsAreEasyToGuess => ("最近的年份很容易被猜到", "Recent years are easy to guess"),
            Warning::AWordByItselfIsEasyToGuess => ("单独一个词很容易被猜到", "A word by itself is easy to guess"),
            Warning::DatesAreOftenEasyToGuess => ("日期往往很容易被猜到", "Dates are often easy to guess"),
            Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => {
                ("单独的姓名很容易被猜到", "Names and surnames by themselves are easy to guess")
            }
            Warning::CommonNamesAndSurnamesAreEasyToGuess => {
                ("常见的姓名很容易被猜到", "Common names and surnames are easy to guess")
            }
        };
        Text::new(zh, en)
    }

    fn suggestion(s: Suggestion) -> Text {
        let (zh, en) = match s {
            Suggestion::UseAFewWordsAvoidCommonPhrases => {
                ("用几个词拼在一起，避开常见说法", "Use a few words, avoid common phrases")
            }
            Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => {
                ("不必非加符号或大写字母，长一点更管用", "No need for symbols or capitals; length helps more")
            }
            Suggestion::AddAnotherWordOrTwo => {
                ("再加一两个词，越少见越好", "Add another word or two; uncommon words are better")
            }
            Suggestion::CapitalizationDoesntHelpVeryMuch => {
                ("大小写变化帮助不大", "Capitalisation doesn't help very much")
            }
            Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
                ("全大写和全小写差不多好猜", "All-uppercase is almost as easy to guess as all-lowercase")
            }
            Suggestion::ReversedWordsArentMuchHarderToGuess => {
                ("把词倒过来写并不更难猜", "Reversed words aren't much harder to guess")
            }
            Suggestion::PredictableSubstitutionsDontHelpVeryMuch => {
                ("用 @ 代替 a 这类替换帮助不大", "Predictable substitutions like '@' for 'a' don't help very much")
            }
            Suggestion::UseALongerKeyboardPatternWithMoreTurns => {
                ("键盘图案要更长、拐弯更多", "Use a longer keyboard pattern with more turns")
            }
            Suggestion::AvoidRepeatedWordsAndCharacters => {
                ("避免重复的词和字符", "Avoid repeated words and characters")
            }
            Suggestion::AvoidSequences => ("避免连续的字母或数字", "Avoid sequences"),
            Suggestion::AvoidRecentYears => ("避免最近的年份", "Avoid recent years"),
            Suggestion::AvoidYearsThatAreAssociatedWithYou => {
                ("避免和您有关的年份", "Avoid years that are associated with you")
            }
            Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => {
                ("避免和您有关的日期、年份（如生日）", "Avoid dates and years associated with you (such as a birthday)")
            }
        };
        Text::new(zh, en)
    }

    /// The estimate for a password; `user_inputs` (name, phone, ID number…) count as known words.
    pub fn strength(password: &str, user_inputs: &[&str]) -> PasswordStrength {
        // Long inputs make the matcher slow; the length rule refuses them anyway.
        let password: String = password.chars().take(128).collect();
        let inputs: Vec<String> = user_inputs
            .iter()
            .filter(|s| !s.trim().is_empty())
            .take(MAX_USER_INPUTS)
            .map(|s| s.trim().chars().take(64).collect::<String>().to_lowercase())
            .collect();
        let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        if password.is_empty() {
            return PasswordStrength { score: 0, acceptable: false, warning: None, suggestions: Vec::new() };
        }
        let e = zxcvbn::zxcvbn(&password, &refs);
        let score = u8::from(e.score());
        let (warning, suggestions) = match e.feedback() {
            Some(f) => (f.warning().map(warning), f.suggestions().iter().copied().map(suggestion).collect()),
            None => (None, Vec::new()),
        };
        PasswordStrength { score, acceptable: score >= MIN_SCORE, warning, suggestions }
    }

    /// Adds the field error a too-guessable password gets (the server's check at every place a
    /// password is set), unless the field already has one from the cheap rules.
    pub fn check_strength(field: &str, password: &str, user_inputs: &[&str], errors: &mut crate::validate::Errors) {
        if errors.0.iter().any(|e| e.field == field) {
            return;
        }
        let s = strength(password, user_inputs);
        if !s.acceptable {
            let (zh, en) = match &s.warning {
                Some(w) => (
                    format!("这个密码太容易被猜到：{}。", w.zh),
                    format!("This password is too easy to guess: {}.", w.en),
                ),
                None => (
                    "这个密码太容易被猜到，请再加一两个少见的词。".into(),
                    "This password is too easy to guess; add a word or two that few people use.".into(),
                ),
            };
            errors.add(field, "guessable", zh, en);
        }
    }
}

#[cfg(feature = "strength")]
pub use estimate::{check_strength, strength};

#[cfg(all(test, feature = "strength"))]
mod tests {
    use super::*;

    #[test]
    fn common_passwords_and_the_persons_own_details_are_refused() {
        assert!(!strength("password1", &[]).acceptable);
        assert_eq!(strength("password1", &[]).warning.unwrap().en, "This is a very common password");
        assert!(!strength("zhang1985", &[]).acceptable);
        // The phone number followed by a letter is fine for a stranger, not for its owner.
        assert!(strength("13805921001a", &[]).acceptable);
        assert!(!strength("13805921001a", &["13805921001"]).acceptable);
        assert!(strength("huang-new-2027", &["黄美玲", "13600000031"]).acceptable);
        assert!(strength("tangui-vendor-2026", &[]).score >= MIN_SCORE);
    }

    #[test]
    fn the_error_names_what_is_wrong_and_stays_out_of_the_way_of_the_cheap_rules() {
        let mut e = crate::validate::Errors::new();
        check_strength("password", "abc12345", &[], &mut e);
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].code, "guessable");
        assert!(e.0[0].message.zh.contains("很常见"), "{:?}", e.0[0].message);
        let mut e = crate::validate::Errors::new();
        e.add("password", "too_short", "密码至少 8 位", "Password must be at least 8 characters");
        check_strength("password", "abc", &[], &mut e);
        assert_eq!(e.0.len(), 1);
    }

    #[test]
    fn long_inputs_are_cut_before_the_matcher() {
        let long = "a1".repeat(5_000);
        let s = strength(&long, &[&"x".repeat(10_000)]);
        assert!(s.score <= 4);
    }
}
