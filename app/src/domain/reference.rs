//! Plan references: short, unambiguous codes a citizen can read out over the
//! phone, like `K7Q-4MZ-PX2`.
//!
//! The alphabet is Crockford's base 32 (no I, L, O or U), so the characters
//! people confuse are folded on input: `I` and `L` read as `1`, `O` as `0`.
//! Nine characters give 32^9 (about 3.5 × 10^13) references, so guessing one
//! is hopeless when attempts are rate-limited.

use serde::{Deserialize, Serialize};
use std::fmt;

pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
pub const LEN: usize = 9;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Reference(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("Enter your plan reference")]
    Empty,
    #[error("A plan reference has 9 letters and numbers, like K7Q-4MZ-PX2")]
    WrongLength,
    #[error("A plan reference only uses letters and numbers, like K7Q-4MZ-PX2")]
    BadCharacter,
}

impl Reference {
    /// Accepts any case, with or without spaces or dashes, and folds
    /// look-alike characters.
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let mut out = String::with_capacity(LEN);
        for c in input.chars() {
            if c.is_whitespace() || c == '-' || c == '–' || c == '.' {
                continue;
            }
            let c = match c.to_ascii_uppercase() {
                'I' | 'L' => '1',
                'O' => '0',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return Err(ReferenceError::BadCharacter),
            };
            out.push(c);
        }
        match out.len() {
            0 => Err(ReferenceError::Empty),
            LEN => Ok(Reference(out)),
            _ => Err(ReferenceError::WrongLength),
        }
    }

    /// Builds a reference from nine random 5-bit values.
    pub fn from_random(values: [u8; LEN]) -> Self {
        Reference(
            values
                .iter()
                .map(|v| ALPHABET[(v & 31) as usize] as char)
                .collect(),
        )
    }

    /// The canonical form stored in the database: nine characters, no dashes.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reference {
    /// Grouped in threes for reading aloud.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", &self.0[0..3], &self.0[3..6], &self.0[6..9])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_any_case_spacing_and_dashes() {
        let r = Reference::parse("k7q 4mz px2").unwrap();
        assert_eq!(r.as_str(), "K7Q4MZPX2");
        assert_eq!(r.to_string(), "K7Q-4MZ-PX2");
        assert_eq!(Reference::parse("K7Q-4MZ-PX2").unwrap(), r);
        assert_eq!(Reference::parse(" k7q4mzpx2 ").unwrap(), r);
    }

    #[test]
    fn folds_confusable_characters() {
        assert_eq!(
            Reference::parse("OIL-ABC-DEF").unwrap().as_str(),
            "011ABCDEF"
        );
    }

    #[test]
    fn rejects_malformed_input_with_a_reason() {
        assert_eq!(Reference::parse("  - "), Err(ReferenceError::Empty));
        assert_eq!(
            Reference::parse("K7Q-4MZ"),
            Err(ReferenceError::WrongLength)
        );
        assert_eq!(
            Reference::parse("K7Q-4MZ-PX2X"),
            Err(ReferenceError::WrongLength)
        );
        assert_eq!(
            Reference::parse("K7Q-4MZ-PXU"),
            Err(ReferenceError::BadCharacter)
        );
        assert_eq!(
            Reference::parse("K7Q/4MZ/PX2"),
            Err(ReferenceError::BadCharacter)
        );
        assert_eq!(
            Reference::parse("é7Q4MZPX2"),
            Err(ReferenceError::BadCharacter)
        );
    }

    #[test]
    fn random_references_are_always_valid() {
        for seed in 0..=255u8 {
            let r = Reference::from_random([seed; LEN]);
            assert_eq!(Reference::parse(&r.to_string()).unwrap(), r);
        }
    }
}
