//! The length limit of an email address, in one place for every check
//! (the store's contact validation, the shell's sign-in arguments).

/// Longest email address, in characters.
///
/// 254 is the practical limit of an address that can actually be delivered:
/// RFC 5321 caps a forward path at 256 octets including its angle brackets,
/// which leaves 254 for the address itself (RFC 3696 erratum 1690). The 320
/// sometimes quoted (a 64-character local part, `@`, a 255-character domain)
/// adds up limits that no path can carry at once. Counted in characters
/// (Unicode scalar values), as every length limit here is; for an ASCII
/// address that is its octets.
pub const EMAIL_MAX_CHARS: usize = 254;
