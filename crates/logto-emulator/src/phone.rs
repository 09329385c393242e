//! Phone numbers as Logto reads them (`@logto/shared`'s `PhoneNumberParser`, over
//! libphonenumber-js): a number is digits in international form without `+`; it parses when it
//! starts with an assigned country calling code and leaves 2 to 17 national digits. Two numbers
//! are the same phone when they parse to the same country code and national number, so
//! `61412345678` and `610412345678` (the national `0` kept) are one phone, as in Logto's
//! `hasUserWithNormalizedPhone`. The emulator keeps the country table, not each country's
//! number plan: a number of the right length in an assigned country code is taken.

/// ITU-T E.164 assigned country calling codes (the ones libphonenumber has metadata for).
const COUNTRY_CODES: &[u16] = &[
    1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 60,
    61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98, 211, 212, 213, 216, 218, 220, 221, 222, 223,
    224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246,
    247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290,
    291, 297, 298, 299, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377, 378,
    380, 381, 382, 383, 385, 386, 387, 389, 420, 421, 423, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 590, 591,
    592, 593, 594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 685, 686,
    687, 688, 689, 690, 691, 692, 800, 808, 850, 852, 853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888, 960, 961,
    962, 963, 964, 965, 966, 967, 968, 970, 971, 972, 973, 974, 975, 976, 977, 979, 992, 993, 994, 995, 996, 998,
];

/// Italy keeps its leading `0` inside the national number (libphonenumber's
/// `italian_leading_zero`); elsewhere a leading `0` is the national trunk prefix.
const KEEPS_LEADING_ZERO: u16 = 39;

/// A parsed phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// The country calling code.
    pub country: u16,
    /// The national significant number (no trunk `0`).
    pub national: String,
}

/// Parses `phone` (digits, an optional leading `+`, and the separators people type); `None` when
/// Logto would answer `user.invalid_phone`.
pub fn parse(phone: &str) -> Option<Phone> {
    let digits: String =
        phone.trim_start_matches('+').chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.')).collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    (1..=3).filter(|n| *n < digits.len()).find_map(|n| {
        let country: u16 = digits[..n].parse().ok()?;
        if !COUNTRY_CODES.contains(&country) {
            return None;
        }
        let rest = &digits[n..];
        let national = match rest.strip_prefix('0') {
            Some(stripped) if country != KEEPS_LEADING_ZERO && !stripped.is_empty() => stripped,
            _ => rest,
        };
        (2..=17).contains(&national.len()).then(|| Phone { country, national: national.to_string() })
    })
}

/// Whether two stored phone numbers are one phone: equal, or parsing to the same number.
pub fn same(a: &str, b: &str) -> bool {
    a == b || matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_and_lengths_decide() {
        assert_eq!(parse("13105550123"), Some(Phone { country: 1, national: "3105550123".into() }));
        assert_eq!(parse("+44 20 7946 0000").map(|p| p.country), Some(44));
        // Logto's role.user test: `99999` is refused (no country 9, 99 or 999).
        assert_eq!(parse("99999"), None);
        assert_eq!(parse("1"), None);
        assert_eq!(parse("1".repeat(20).as_str()), None);
        assert_eq!(parse("abc"), None);
    }

    #[test]
    fn the_trunk_zero_does_not_make_another_phone() {
        // Logto's admin-user test: `61` + national and `61` + `0` + national conflict.
        assert!(same("61412345678", "610412345678"));
        assert!(same("610412345678", "61412345678"));
        assert!(!same("61412345678", "61412345679"));
        // Italy's leading zero is part of the number.
        assert!(!same("390612345678", "39612345678"));
        // Unparsable numbers compare as text.
        assert!(same("99999", "99999") && !same("99999", "099999"));
    }
}
