//! Random ids for new agencies and contacts.
//!
//! An id is a random UUID (version 4) in its usual text form: 36 characters,
//! lowercase hex in groups of 8-4-4-4-12, e.g.
//! `0f8fad5b-d9cb-469f-a165-70867728950e`. The same shape as Supabase's ids,
//! so a row can move to the hosted backend without a new id. The 122 random
//! bits make a collision practically impossible.

use uuid::Uuid;

/// A new random UUID-v4 text id.
pub(crate) fn new_id() -> String {
    Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_has_the_uuid_v4_text_shape() {
        let id = new_id();
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
        assert_ne!(new_id(), new_id());
    }
}
