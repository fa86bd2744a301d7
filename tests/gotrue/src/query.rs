//! Query strings the way GoTrue reads and writes them (Go's `url.Values`).
//!
//! Reading decodes `%XX` and `+`; writing escapes like Go's `url.QueryEscape`
//! and orders the keys alphabetically, as `url.Values.Encode` does, so the
//! redirect URLs this server builds read exactly like real GoTrue's. A key may
//! repeat; [`Query::set`] replaces every value of its key, as Go's `Set` does.

/// The pairs of one query string, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// The decoded pairs of `raw` (the part after `?`, without it).
    pub(crate) fn parse(raw: &str) -> Query {
        let pairs = raw
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(key), decode(value))
            })
            .collect();
        Query { pairs }
    }

    /// The first value of `key`, if present.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// The first value of `key` if present and not empty, as GoTrue treats
    /// an empty parameter like a missing one.
    pub(crate) fn non_empty(&self, key: &str) -> Option<&str> {
        self.get(key).filter(|value| !value.is_empty())
    }

    /// Replaces every value of `key` with `value`.
    pub(crate) fn set(&mut self, key: &str, value: &str) {
        self.pairs.retain(|(name, _)| name != key);
        self.pairs.push((key.to_owned(), value.to_owned()));
    }

    /// The encoded query, keys sorted, values of one key in their order.
    pub(crate) fn encode(&self) -> String {
        let mut pairs: Vec<&(String, String)> = self.pairs.iter().collect();
        // Stable, so repeated keys keep their order, as in Go.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs
            .iter()
            .map(|(key, value)| format!("{}={}", escape(key), escape(value)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// `text` escaped for a query string, like Go's `url.QueryEscape`.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                escaped.push(char::from(byte))
            }
            b' ' => escaped.push('+'),
            _ => escaped.push_str(&format!("%{byte:02X}")),
        }
    }
    escaped
}

/// `text` with `+` as space and `%XX` decoded; a malformed escape stays as it
/// is and invalid UTF-8 becomes U+FFFD, as lenient servers do.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' => {
                let hex = text.get(index + 1..index + 3);
                match hex.and_then(|hex| u8::from_str_radix(hex, 16).ok()) {
                    Some(byte) => {
                        decoded.push(byte);
                        index += 2;
                    }
                    None => decoded.push(b'%'),
                }
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_decodes_escapes_and_plus() {
        let query =
            Query::parse("redirect_to=axolop%3A%2F%2Fauth%2Fcallback%3Fstate%3Dx&q=a+b&bad=%zz");

        assert_eq!(
            query.get("redirect_to"),
            Some("axolop://auth/callback?state=x")
        );
        assert_eq!(query.get("q"), Some("a b"));
        assert_eq!(query.get("bad"), Some("%zz"));
        assert_eq!(query.get("missing"), None);
    }

    #[test]
    fn encoding_sorts_keys_and_escapes_like_go() {
        let mut query = Query::parse("state=xyz&code=old");
        query.set("code", "new code");
        query.set("error_description", "Email link is invalid/expired~");

        assert_eq!(
            query.encode(),
            "code=new+code&error_description=Email+link+is+invalid%2Fexpired~&state=xyz"
        );
    }
}
