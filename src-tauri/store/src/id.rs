//! Random ids for new agencies and contacts.
//!
//! An id is a random UUID (version 4) in its usual text form: 36 characters,
//! lowercase hex in groups of 8-4-4-4-12, e.g.
//! `0f8fad5b-d9cb-469f-a165-70867728950e`. The same shape as Supabase's ids,
//! so a row can move to the hosted backend without a new id. The 122 random
//! bits make a collision practically impossible; ids are not secrets, so a
//! non-cryptographic generator is enough.

use std::fmt::Write as _;

/// A new random UUID-v4 text id.
pub(crate) fn new_id(rng: &mut fastrand::Rng) -> String {
    let mut bytes = [0u8; 16];
    rng.fill(&mut bytes);
    // RFC 9562: version 4 in the high nibble of byte 6, variant 0b10 in the
    // two high bits of byte 8.
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut text = String::with_capacity(36);
    for (index, byte) in bytes.iter().enumerate() {
        if matches!(index, 4 | 6 | 8 | 10) {
            text.push('-');
        }
        // Writing to a String cannot fail.
        let _ = write!(text, "{byte:02x}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_has_the_uuid_v4_text_shape() {
        let id = new_id(&mut fastrand::Rng::with_seed(7));
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert!(id
            .chars()
            .all(|c| c == '-' || matches!(c, '0'..='9' | 'a'..='f')));
        assert_eq!(id.as_bytes()[14], b'4', "version nibble");
        assert!(
            matches!(id.as_bytes()[19], b'8' | b'9' | b'a' | b'b'),
            "variant"
        );
    }

    #[test]
    fn consecutive_ids_differ() {
        let mut rng = fastrand::Rng::with_seed(7);
        assert_ne!(new_id(&mut rng), new_id(&mut rng));
    }
}
