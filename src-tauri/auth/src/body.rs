//! Reading a server's answer within bounds, for every HTTP client of the
//! app (the auth client here, the data client in `axolop-sync`): a server,
//! or something posing as one, can make the app hold at most a set number
//! of bytes for one answer, and its text reaches windows and logs only as
//! one bounded line.

/// The longest server message passed on, in characters.
pub const MESSAGE_MAX_CHARS: usize = 300;

/// Why an answer's body was not read.
#[derive(Debug)]
pub enum BodyError {
    /// It is (or announced to be) larger than the limit, in bytes.
    TooLarge(usize),
    /// The connection failed while it was read.
    Transport(reqwest::Error),
}

impl BodyError {
    /// "an answer larger than 64 KiB", for a [`BodyError::TooLarge`].
    pub fn too_large(limit: usize) -> String {
        format!("an answer larger than {} KiB", limit / 1024)
    }
}

/// The body of `response`, if it is at most `limit` bytes: refused at its
/// `Content-Length` when that says more, and while reading otherwise.
pub async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(BodyError::TooLarge(limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(BodyError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// At most `max` characters of a server's text, on one line: it reaches
/// logs and windows, where a newline or an escape would forge a line.
pub fn printable(text: &str, max: usize) -> String {
    let mut out: String = text
        .chars()
        .take(max)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_is_cut_to_one_bounded_line() {
        assert_eq!(
            printable("row\nforged log line\u{1b}[31m", 300),
            "row forged log line [31m"
        );
        let long = "x".repeat(1_000);
        let cut = printable(&long, 300);
        assert_eq!(cut.chars().count(), 301);
        assert!(cut.ends_with('…'));
        assert_eq!(printable("short", 300), "short");
    }
}
