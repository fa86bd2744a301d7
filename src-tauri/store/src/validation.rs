//! The rules every value must pass before it is written.
//!
//! Invariants:
//! - Lengths count characters (Unicode scalar values), not bytes.
//! - Single-line values (names, email, phone, company) are trimmed and may
//!   hold no control characters; notes keep their text as given and may hold
//!   line breaks and tabs, but no other control characters.
//! - A refusal is an `InvalidArgument` whose reason names the field and its
//!   limit; nothing is written.

use crate::error::{Result, StoreError};

/// Longest agency or contact name, in characters.
pub const NAME_MAX_CHARS: usize = 120;
/// Longest phone number or company name, in characters.
pub const FIELD_MAX_CHARS: usize = 120;
/// Longest email address, in characters: the model's one limit, shared with
/// the shell's sign-in arguments.
pub use axolop_model::EMAIL_MAX_CHARS;
/// Longest notes, in characters.
pub const NOTES_MAX_CHARS: usize = 10_000;
/// Longest id, owner key or window label, in characters.
pub const KEY_MAX_CHARS: usize = 128;

/// A required single-line name: trimmed, 1 to [`NAME_MAX_CHARS`] characters.
pub(crate) fn name(field: &str, value: &str) -> Result<String> {
    let trimmed = value.trim();
    let chars = trimmed.chars().count();
    if chars == 0 || chars > NAME_MAX_CHARS {
        return Err(StoreError::invalid(format!(
            "{field} must be 1 to {NAME_MAX_CHARS} characters after trimming spaces (got {chars})"
        )));
    }
    single_line(field, trimmed)?;
    Ok(trimmed.to_owned())
}

/// An optional single-line text: trimmed, at most `max` characters.
pub(crate) fn short_text(field: &str, value: &str, max: usize) -> Result<String> {
    let trimmed = value.trim();
    let chars = trimmed.chars().count();
    if chars > max {
        return Err(StoreError::invalid(format!(
            "{field} must be at most {max} characters (got {chars})"
        )));
    }
    single_line(field, trimmed)?;
    Ok(trimmed.to_owned())
}

/// An optional email address: empty, or something that looks like one.
///
/// Deliberately simple: exactly one `@`, a non-empty local part, a domain of
/// at least two non-empty dot-separated labels, no whitespace, at most
/// [`EMAIL_MAX_CHARS`] characters. Whether the mailbox exists is not ours
/// to know.
pub(crate) fn email(value: &str) -> Result<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Ok(String::new());
    }
    let refuse = |why: &str| {
        Err(StoreError::invalid(format!(
            "email {trimmed:?} is not an address: {why}"
        )))
    };
    let chars = trimmed.chars().count();
    if chars > EMAIL_MAX_CHARS {
        return refuse(&format!(
            "it must be at most {EMAIL_MAX_CHARS} characters (got {chars})"
        ));
    }
    if trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return refuse("it must not contain spaces or control characters");
    }
    let Some((local, domain)) = trimmed.split_once('@') else {
        return refuse("it needs an @");
    };
    if domain.contains('@') {
        return refuse("it must contain exactly one @");
    }
    if local.is_empty() {
        return refuse("the part before the @ is empty");
    }
    if !domain.contains('.') || domain.split('.').any(str::is_empty) {
        return refuse(
            "the domain after the @ needs a dot between non-empty parts (like example.com)",
        );
    }
    Ok(trimmed.to_owned())
}

/// Notes: kept as given, at most [`NOTES_MAX_CHARS`] characters.
pub(crate) fn notes(value: &str) -> Result<String> {
    let chars = value.chars().count();
    if chars > NOTES_MAX_CHARS {
        return Err(StoreError::invalid(format!(
            "notes must be at most {NOTES_MAX_CHARS} characters (got {chars})"
        )));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(StoreError::invalid(
            "notes must not contain control characters other than line breaks and tabs",
        ));
    }
    Ok(value.to_owned())
}

/// An identifier-like value (an id, an owner key, a window label): 1 to
/// [`KEY_MAX_CHARS`] characters, no whitespace or control characters.
pub(crate) fn key<'a>(field: &str, value: &'a str) -> Result<&'a str> {
    let chars = value.chars().count();
    if chars == 0 || chars > KEY_MAX_CHARS {
        return Err(StoreError::invalid(format!(
            "{field} must be 1 to {KEY_MAX_CHARS} characters (got {chars})"
        )));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(StoreError::invalid(format!(
            "{field} {value:?} must not contain spaces or control characters"
        )));
    }
    Ok(value)
}

fn single_line(field: &str, value: &str) -> Result<()> {
    if value.chars().any(char::is_control) {
        return Err(StoreError::invalid(format!(
            "{field} must not contain control characters (line breaks, tabs, …)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(result: Result<impl std::fmt::Debug>) -> String {
        match result {
            Err(StoreError::InvalidArgument { reason }) => reason,
            other => panic!("expected InvalidArgument, got {other:?}"),
        }
    }

    #[test]
    fn a_name_is_trimmed() {
        assert_eq!(name("contact name", "  Ana Lima \t").unwrap(), "Ana Lima");
    }

    #[test]
    fn a_name_of_only_spaces_is_refused_naming_field_and_limit() {
        let reason = reason(name("contact name", "   "));
        assert!(reason.contains("contact name"), "{reason}");
        assert!(reason.contains("1 to 120"), "{reason}");
    }

    #[test]
    fn a_name_limit_counts_characters_not_bytes() {
        // 120 two-byte characters: 240 bytes, still within the limit.
        assert!(name("agency name", &"é".repeat(120)).is_ok());
        assert!(name("agency name", &"é".repeat(121)).is_err());
    }

    #[test]
    fn a_name_with_an_inner_line_break_is_refused() {
        assert!(reason(name("agency name", "Acme\nCorp")).contains("control characters"));
    }

    #[test]
    fn an_empty_email_is_allowed() {
        assert_eq!(email("  ").unwrap(), "");
    }

    #[test]
    fn an_email_without_a_dot_in_the_domain_is_refused() {
        assert!(reason(email("a@b")).contains("domain"));
    }

    #[test]
    fn an_email_with_an_empty_domain_label_is_refused() {
        assert!(email("a@example..com").is_err());
        assert!(email("a@.example.com").is_err());
        assert!(email("a@example.com.").is_err());
    }

    #[test]
    fn an_email_longer_than_254_characters_is_refused() {
        let long = format!("{}@example.com", "a".repeat(243));
        assert_eq!(long.chars().count(), 255);
        assert!(reason(email(&long)).contains("254"));
    }

    #[test]
    fn notes_keep_line_breaks_and_tabs() {
        assert_eq!(
            notes(" first\n\tsecond\r\n").unwrap(),
            " first\n\tsecond\r\n"
        );
    }

    #[test]
    fn notes_with_other_control_characters_are_refused() {
        assert!(notes("bell\u{7}").is_err());
    }

    #[test]
    fn a_key_with_a_space_is_refused() {
        assert!(reason(key("owner", "a b")).contains("owner"));
    }
}
